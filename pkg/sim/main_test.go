package sim

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

func TestStatsCounting(t *testing.T) {
	e := newEnv(t, core.Options{ClientID: "c", ClientSecret: "s"})
	e.Must(200, e.Do("GET", "/api/v1/spaces", nil))
	e.Must(201, e.Do("POST", "/api/v1/spaces", map[string]any{"name": "A", "type": "shared"}))
	e.Must(200, e.Do("GET", "/api/v1/roles", nil))
	e.Must(200, e.Do("POST", "/oauth/token", map[string]any{"client_id": "c", "client_secret": "s", "grant_type": "client_credentials"}))
	e.Must(200, e.Do("GET", "/_sim/stats", nil))

	var st core.Stats
	r := e.Must(200, e.DoWith("GET", "/_sim/stats", nil, "", ""))
	raw, _ := json.Marshal(r)
	_ = json.Unmarshal(raw, &st)
	want := core.Stats{Requests: 4, Tier1: 2, Tier2: 1, Writes: 1, ByMethod: map[string]int64{"GET": 2, "POST": 2}}
	if st.Requests != want.Requests || st.Tier1 != want.Tier1 || st.Tier2 != want.Tier2 ||
		st.Writes != want.Writes || st.ByMethod["GET"] != 2 || st.ByMethod["POST"] != 2 {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	if got := e.S.Stats(); got.Requests != 4 {
		t.Errorf("Stats() = %+v", got)
	}
	e.Must(204, e.DoWith("POST", "/_sim/stats/reset", nil, "", ""))
	if got := e.S.Stats(); got.Requests != 0 || len(got.ByMethod) != 0 {
		t.Errorf("after reset = %+v", got)
	}
}

func TestConcurrentWrites(t *testing.T) {
	e := newEnv(t, core.Options{})
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Space " + string(rune('A'+i%20))
			r := e.Do("POST", "/api/v1/spaces", map[string]any{"name": name, "type": "shared"})
			if r.Status != 201 && r.Status != 409 {
				errs <- string(r.Raw)
			}
			e.Do("GET", "/api/v1/spaces?limit=5", nil)
		}()
	}
	wg.Wait()
	close(errs)
	for m := range errs {
		t.Error(m)
	}
	if n := e.Must(200, e.Do("GET", "/api/v1/spaces", nil))["meta"].(map[string]any)["count"]; n != 20.0 {
		t.Errorf("%v spaces, want 20 (one per unique name)", n)
	}
}

func TestCLIRunServesAndSavesState(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	pr, pw := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run([]string{"--addr", ":0", "--api-key", "k", "--seed", demoSeed, "--state", state}, pw, &stderr, stop)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v (stderr %s)", err, stderr.String())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "qliksim listening on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("start line %q", line)
	}
	req, _ := http.NewRequest("GET", addr+"/api/v1/spaces", nil)
	req.Header.Set("Authorization", "Bearer k")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET spaces: %v %v", err, res)
	}
	res.Body.Close()
	stop <- os.Interrupt
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
	s := New(core.Options{})
	if err := s.LoadState(state); err != nil {
		t.Fatal(err)
	}
	if len(core.Spaces.In(s.St)) != 6 {
		t.Errorf("saved state has %d spaces", len(core.Spaces.In(s.St)))
	}
}

func TestCLIRefusesRemoteAddr(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"--addr", "0.0.0.0:0"}, &out, &errb, nil); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "--allow-remote") {
		t.Errorf("stderr = %q", errb.String())
	}
	if code := run([]string{"--seed", filepath.Join(t.TempDir(), "nope"), "--addr", "127.0.0.1:0"}, &out, &errb, nil); code != 1 {
		t.Errorf("bad seed exit %d, want 1", code)
	}
	if got, err := checkAddr("localhost:9", false); err != nil || got != "localhost:9" {
		t.Errorf("localhost: %q %v", got, err)
	}
	if _, err := checkAddr("[::1]:9", false); err != nil {
		t.Errorf("::1 refused: %v", err)
	}
	if got, err := checkAddr("0.0.0.0:9", true); err != nil || got != "0.0.0.0:9" {
		t.Errorf("allow-remote: %q %v", got, err)
	}
}

// --api-key-for is repeatable and names a user of the seed; a key for a
// user the seed lacks stops qliksim before it listens.
func TestCLIAPIKeyFor(t *testing.T) {
	c, err := parseFlags([]string{"--api-key-for", "carol.white@example.com=ck", "--api-key-for", "bob.smith@example.com=bk"}, io.Discard)
	if err != nil || len(c.userKeys) != 2 || c.userKeys[1] != (core.UserKey{Email: "bob.smith@example.com", Key: "bk"}) {
		t.Fatalf("parsed %v, %v", c.userKeys, err)
	}
	if _, err := parseFlags([]string{"--api-key-for", "no-key"}, io.Discard); err == nil {
		t.Error("--api-key-for without =KEY accepted")
	}
	var out, errb strings.Builder
	code := run([]string{"--addr", "127.0.0.1:0", "--seed", demoSeed, "--api-key-for", "nobody@example.com=k"}, &out, &errb, nil)
	if code != 2 || !strings.Contains(errb.String(), "nobody@example.com") || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
