// Command demo tells the qlikops story end to end against a local qliksim:
// back up a tenant into Git, make mistakes through the API, see them as
// drift, plan the repair, apply it, and prove the tenant is whole again.
// It fails (exit 1) as soon as any step does not behave as the story says,
// so `make demo` doubles as a smoke test.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	qlikops := flag.String("qlikops", "bin/qlikops", "path to the qlikops binary")
	qliksim := flag.String("qliksim", "bin/qliksim", "path to the qliksim binary")
	seed := flag.String("seed", "examples/demo-tenant", "seed folder of the demo tenant")
	flag.Parse()
	if err := run(os.Stdout, *qlikops, *qliksim, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}
