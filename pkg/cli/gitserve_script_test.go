package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/testkit/gitserve"
)

// cmdGitServe serves the bare repos in a folder with git http-backend over
// loopback: gitserve DIR VAR [TOKEN]. VAR is set to the server's base URL.
// With TOKEN, every request needs basic auth with that password.
func cmdGitServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: gitserve DIR VAR [TOKEN]")
	}
	token := ""
	if len(args) == 3 {
		token = args[2]
	}
	h, err := gitserve.StartHTTP(ts.MkAbs(args[0]), "", token)
	ts.Check(err)
	ts.Defer(h.Close)
	ts.Setenv(args[1], h.Server.URL)
}

// cmdGitDaemon serves the bare repos in a folder with git daemon (git://,
// pushes enabled): gitdaemon DIR VAR. VAR is set to git://ADDR.
func cmdGitDaemon(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gitdaemon DIR VAR")
	}
	d, err := gitserve.StartDaemon(filepath.Clean(ts.MkAbs(args[0])))
	ts.Check(err)
	ts.Defer(d.Close)
	ts.Setenv(args[1], "git://"+d.Addr)
}

// cmdClosedPort sets VAR to a loopback http URL nothing listens on, for a
// tenant that is unreachable: closedport VAR.
func cmdClosedPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: closedport VAR")
	}
	port, err := gitserve.FreePort()
	ts.Check(err)
	ts.Setenv(args[0], fmt.Sprintf("http://127.0.0.1:%s", strconv.Itoa(port)))
}

// cmdExpand writes IN to OUT with $VAR and ${VAR} replaced by the script's
// variables, for files that must name a server's address: expand IN OUT.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand IN OUT")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o644))
}
