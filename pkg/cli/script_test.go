package cli_test

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/cli"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/sim/simctl"
)

var update = flag.Bool("update", false, "rewrite cmp golden sections of the CLI scripts with actual output")

// scriptRetryBackoff is the retry base of the qlikops the scripts run: the
// scripts that inject faults count tries, not seconds, and at the default
// 250 ms (doubling, five retries) each failing read waited about 4 s.
const scriptRetryBackoff = 5 * time.Millisecond

func TestMain(m *testing.M) {
	cli.SetRetryBackoff(scriptRetryBackoff)
	cli.SetUnlimitedRates()
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"qlikops": cli.Main,
		// qlikops-exit N ARGS... runs qlikops ARGS and succeeds only if it
		// exits with code N, so scripts can assert 2 (changes) or 3 (partial).
		"qlikops-exit": func() int {
			want, err := strconv.Atoi(os.Args[1])
			if err != nil {
				fmt.Fprintln(os.Stderr, "usage: qlikops-exit CODE ARGS...")
				return 100
			}
			got := cli.Run(os.Args[2:], os.Stdin, os.Stdout, os.Stderr)
			if got != want {
				fmt.Fprintf(os.Stderr, "qlikops exited %d, want %d\n", got, want)
				return 1
			}
			return 0
		},
		"qliksim": func() int { return sim.Main(os.Args[1:]) },
	}))
}

// TestScripts runs the CLI scenarios in testdata/script against simulators
// served over loopback, one fresh tenant per script.
func TestScripts(t *testing.T) {
	repoRoot, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join(repoRoot, "testdata", "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("DEMO_SEED", filepath.Join(repoRoot, "examples", "demo-tenant"))
			env.Setenv("SEEDS", filepath.Join(repoRoot, "testdata", "seeds"))
			env.Setenv("QLIK_TENANT_URL", "")
			env.Setenv("QLIK_API_KEY", "")
			derived, err := registryEnv()
			if err != nil {
				return err
			}
			for k, v := range derived {
				env.Setenv(k, v)
			}
			env.Values[receiverKey{}] = &receiver{}
			env.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(env.WorkDir, ".gitconfig"))
			return os.WriteFile(filepath.Join(env.WorkDir, ".gitconfig"), []byte("[user]\n\tname = Tester\n\temail = tester@example.com\n[init]\n\tdefaultBranch = main\n"), 0o644)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"simstart":       cmdSimStart,
			"simstart-oauth": cmdSimStartOAuth,
			"simctl":         cmdSimCtl,

			"simstart-faults": cmdSimStartFaults,
			"simfaults":       cmdSimFaults,

			"validate-runs":  cmdValidateRuns,
			"receiver":       cmdReceiver,
			"gitserve":       cmdGitServe,
			"gitdaemon":      cmdGitDaemon,
			"closedport":     cmdClosedPort,
			"expand":         cmdExpand,
			"oauth-secret":   cmdOAuthSecret,
			"webhook-secret": cmdWebhookSecret,
			"grab":           cmdGrab,
		},
	})
}

const testAPIKey = "script-test-key"

// cmdSimStart starts a simulator seeded from a folder and points a variable
// at it: simstart SEED_DIR [VAR]. VAR defaults to QLIK_TENANT_URL, and then
// QLIK_API_KEY is set too. SEED_DIR "-" starts an empty tenant. Further
// EMAIL=KEY arguments are keys acting as those users (qliksim --api-key-for),
// for simctl --key KEY.
func cmdSimStart(ts *testscript.TestScript, neg bool, args []string) {
	var keys []sim.UserKey
	for len(args) > 1 && strings.Contains(args[len(args)-1], "=") {
		email, key, _ := strings.Cut(args[len(args)-1], "=")
		keys, args = append(keys, sim.UserKey{Email: email, Key: key}), args[:len(args)-1]
	}
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: simstart SEED_DIR [VAR] [EMAIL=KEY...]")
	}
	s := sim.New(sim.Options{APIKey: testAPIKey, UserKeys: keys})
	if args[0] != "-" {
		ts.Check(s.LoadSeed(ts.MkAbs(args[0])))
	}
	ts.Check(s.CheckUserKeys())
	srv := httptest.NewServer(s.Handler())
	ts.Defer(srv.Close)
	v := "QLIK_TENANT_URL"
	if len(args) == 2 {
		v = args[1]
	}
	ts.Setenv(v, srv.URL)
	ts.Setenv("QLIK_API_KEY", testAPIKey)
}

// cmdSimStartOAuth starts a simulator that also accepts OAuth2 client
// credentials with a short token lifetime, and configures qlikops to use
// them instead of an API key: simstart-oauth SEED_DIR.
func cmdSimStartOAuth(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: simstart-oauth SEED_DIR")
	}
	s := sim.New(sim.Options{APIKey: testAPIKey, ClientID: "qlikops-ci", ClientSecret: testClientSecret, TokenTTL: 2 * time.Second})
	ts.Check(s.LoadSeed(ts.MkAbs(args[0])))
	srv := httptest.NewServer(s.Handler())
	ts.Defer(srv.Close)
	ts.Setenv("QLIK_TENANT_URL", srv.URL)
	ts.Setenv("QLIK_API_KEY", "")
	ts.Setenv("QLIK_CLIENT_ID", "qlikops-ci")
	ts.Setenv("QLIK_CLIENT_SECRET", testClientSecret)
}

// testClientSecret is a sentinel: scripts check it never shows up in output.
const testClientSecret = "sentinel-oauth-secret-5f2b"

// cmdSimCtl changes the tenant at $QLIK_TENANT_URL through its REST API, or
// checks its request counters:
//
//	simctl delete-space NAME
//	simctl set-description SPACE TEXT
//	simctl remove-member SPACE EMAIL
//	simctl create-space NAME TYPE
//	simctl dc-secret SPACE NAME FIELD VALUE
//	simctl rename-block AUTOMATION FROM TO
//	simctl api METHOD PATH [BODY]
//	simctl brand-file BRAND FILE-ID PATH   (PUT of a brand's file from PATH)
//	simctl reset-stats
//	simctl writes N          (fails unless exactly N writes since reset)
//
// simctl --key KEY COMMAND ... makes the change with another key (one of
// simstart's EMAIL=KEY users).
func cmdSimCtl(ts *testscript.TestScript, neg bool, args []string) {
	key := ts.Getenv("QLIK_API_KEY")
	if len(args) > 1 && args[0] == "--key" {
		key, args = args[1], args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: simctl [--key KEY] COMMAND ARGS...")
	}
	c, err := qlik.New(qlik.Config{TenantURL: ts.Getenv("QLIK_TENANT_URL"), APIKey: key,
		ClientID: ts.Getenv("QLIK_CLIENT_ID"), ClientSecret: ts.Getenv("QLIK_CLIENT_SECRET"), Tier1PerMin: -1, Tier2PerMin: -1})
	ts.Check(err)
	ctl := simctl.Ctl{API: c}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	want := func(n int) {
		if len(args) != n+1 {
			ts.Fatalf("simctl %s takes %d arguments", args[0], n)
		}
	}
	switch args[0] {
	case "delete-space":
		want(1)
		err = ctl.DeleteSpace(ctx, args[1])
	case "set-description":
		want(2)
		err = ctl.SetSpaceDescription(ctx, args[1], args[2])
	case "remove-member":
		want(2)
		err = ctl.RemoveMember(ctx, args[1], args[2])
	case "create-space":
		want(2)
		err = ctl.CreateSpace(ctx, args[1], args[2])
	case "dc-secret":
		// dc-secret SPACE NAME FIELD VALUE: the connection holds VALUE in
		// FIELD (qPassword, qUsername, qConnectionSecret).
		want(4)
		err = ctl.CheckDataConnectionSecret(ctx, args[1], args[2], args[3], args[4])
	case "rename-block":
		want(3)
		err = ctl.RenameAutomationBlock(ctx, args[1], args[2], args[3])
	case "api":
		// api METHOD PATH [BODY]: a raw request; {LIST:FIELD=VALUE} in PATH
		// or BODY stands for the id of the item of LIST with that FIELD.
		if len(args) != 3 && len(args) != 4 {
			ts.Fatalf("usage: simctl api METHOD PATH [BODY]")
		}
		body := ""
		if len(args) == 4 {
			body = args[3]
		}
		err = ctl.Call(ctx, args[1], args[2], body)
	case "brand-file":
		want(3)
		err = putBrandFile(ctx, c, args[1], args[2], ts.MkAbs(args[3]))
	case "reset-stats":
		want(0)
		err = ctl.ResetSimStats(ctx)
	case "writes":
		want(1)
		n, convErr := strconv.Atoi(args[1])
		ts.Check(convErr)
		var st simctl.Stats
		st, err = ctl.SimStats(ctx)
		if err == nil && (st.Writes == int64(n)) == neg {
			err = fmt.Errorf("simulator saw %d writes (%v), want %d", st.Writes, st.ByMethod, n)
		}
	case "calls":
		// calls COUNTER N: qliksim counted N of tier1, tier2, writes, or
		// of a route family and the families below it ("GET apps" counts
		// GET apps/*/scripts/* too).
		want(2)
		n, convErr := strconv.Atoi(args[2])
		ts.Check(convErr)
		var st simctl.Stats
		st, err = ctl.SimStats(ctx)
		got, named := map[string]int64{"tier1": st.Tier1, "tier2": st.Tier2, "writes": st.Writes}[args[1]]
		if !named {
			for family, c := range st.ByFamily {
				if family == args[1] || strings.HasPrefix(family, args[1]+"/") {
					got += c
				}
			}
		}
		if err == nil && got != int64(n) {
			err = fmt.Errorf("simulator counted %d %s (%v), want %d", got, args[1], st.ByFamily, n)
		}
	default:
		ts.Fatalf("unknown simctl command %q", args[0])
	}
	if args[0] != "writes" && neg {
		ts.Fatalf("simctl %s does not support !", args[0])
	}
	ts.Check(err)
}
