package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qlikops/qlikops/pkg/sim"
)

// cmdSimStartFaults is simstart with fault injection available: simstart-faults
// SEED_DIR [SPEC]. SEED_DIR "-" starts an empty tenant; SPEC is a --faults spec
// switched on after seeding. Change the faults later with simfaults.
func cmdSimStartFaults(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: simstart-faults SEED_DIR [SPEC]")
	}
	s := sim.New(sim.Options{APIKey: testAPIKey})
	if args[0] != "-" {
		ts.Check(s.LoadSeed(ts.MkAbs(args[0])))
	}
	if len(args) == 2 {
		f, err := sim.ParseFaults(args[1])
		ts.Check(err)
		s.SetFaults(f)
	}
	srv := httptest.NewServer(s.Handler())
	ts.Defer(srv.Close)
	ts.Setenv("QLIK_TENANT_URL", srv.URL)
	ts.Setenv("QLIK_API_KEY", testAPIKey)
}

// cmdSimFaults sets the faults of the simulator at $QLIK_TENANT_URL through
// its test API: simfaults SPEC, simfaults off, or simfaults count CLASS N
// (fails unless exactly N faults of CLASS were injected; with !, unless some
// other number).
func cmdSimFaults(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: simfaults SPEC | off | count CLASS N")
	}
	base := strings.TrimRight(ts.Getenv("QLIK_TENANT_URL"), "/") + "/_sim/faults"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call := func(method string, body any) []byte {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, base, rd)
		ts.Check(err)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		ts.Check(err)
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode/100 != 2 {
			ts.Fatalf("%s /_sim/faults: %d %s", method, res.StatusCode, out)
		}
		return out
	}
	switch {
	case args[0] == "off" && len(args) == 1:
		call(http.MethodDelete, nil)
	case args[0] == "count" && len(args) == 3:
		var st struct {
			Counts map[string]int `json:"counts"`
		}
		ts.Check(json.Unmarshal(call(http.MethodGet, nil), &st))
		if got := fmt.Sprint(st.Counts[args[1]]); (got == args[2]) == neg {
			ts.Fatalf("%s faults injected: %s, want %s%s", args[1], got, map[bool]string{true: "not ", false: ""}[neg], args[2])
		}
		return
	case len(args) == 1:
		call(http.MethodPost, map[string]string{"spec": args[0]})
	default:
		ts.Fatalf("usage: simfaults SPEC | off | count CLASS N")
	}
	if neg {
		ts.Fatalf("simfaults %s does not support !", args[0])
	}
}
