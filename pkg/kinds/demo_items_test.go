package kinds

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim"
)

// demoTenant is the seed every kind has a sample in.
const demoTenant = "../../examples/demo-tenant"

// demoItems serves the demo tenant from qliksim and returns, for every read
// target, the first item the demo tenant lists there, as the API returns
// it. The fuzz corpus starts from these, so it follows the registry.
func demoItems(tb testing.TB) map[string][]byte {
	tb.Helper()
	s := sim.New(sim.Options{APIKey: "demo-items-key", Deterministic: true})
	if err := s.LoadSeed(demoTenant); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, err := qlik.New(qlik.Config{TenantURL: srv.URL, APIKey: "demo-items-key", Tier1PerMin: -1, Tier2PerMin: -1})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	first := func(path string) json.RawMessage {
		var body struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := c.Do(ctx, http.MethodGet, path, nil, &body); err != nil {
			tb.Fatalf("GET %s: %v", path, err)
		}
		if len(body.Data) == 0 {
			return nil
		}
		return body.Data[0]
	}
	out := map[string][]byte{}
	for _, rt := range readTargets() {
		if rt.h.Declared().Policy.Singleton {
			continue // one object, not a list: no list item to start from
		}
		path := rt.list
		if rt.parent != "" {
			var parent struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(first(rt.parent), &parent); err != nil || parent.ID == "" {
				continue
			}
			path = strings.Replace(rt.list, "/p1/", "/"+parent.ID+"/", 1)
		}
		if item := first(path); item != nil {
			out[rt.list] = item
		}
	}
	return out
}
