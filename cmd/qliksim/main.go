// Command qliksim runs a local simulator of the Qlik Cloud REST API.
package main

import (
	"os"

	"github.com/qlikops/qlikops/pkg/sim"
)

func main() { os.Exit(sim.Main(os.Args[1:])) }
