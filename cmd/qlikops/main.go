// Command qlikops puts a Qlik Cloud tenant under Git.
package main

import (
	"os"

	"github.com/qlikops/qlikops/pkg/cli"
)

func main() { os.Exit(cli.Main()) }
