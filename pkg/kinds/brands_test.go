package kinds_test

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
)

// activeBrand is the name of the tenant's active brand, "" for Qlik's
// default, asked through GET /api/v1/brands/active (a 301 to the brand).
func activeBrand(t *testing.T, e *kindtest.Env) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/api/v1/brands/active", nil)
	req.Header.Set("Authorization", "Bearer "+kindtest.APIKey)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	id := path.Base(resp.Header.Get("Location"))
	for _, d := range readBrands(t, e) {
		if d.Metadata.ID == id {
			return d.Metadata.Name
		}
	}
	t.Fatalf("GET /api/v1/brands/active: %d to %q, no such brand", resp.StatusCode, id)
	return ""
}

func readBrands(t *testing.T, e *kindtest.Env) []resource.Document {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	docs, err := kinds.Brands.Read(ctx, e.Tenant())
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// switchPlan is the plan that moves the demo tenant from Acme Corporate to
// Acme Holiday as its active brand (or, holiday false, to no brand).
func switchPlan(t *testing.T, e *kindtest.Env, holiday bool) *plan.Plan {
	t.Helper()
	p := &plan.Plan{}
	for _, have := range readBrands(t, e) {
		want := have
		want.Spec = map[string]any{"description": have.Spec["description"], "active": false}
		if have.Metadata.Name == "Acme Holiday" {
			if !holiday {
				continue
			}
			want.Spec["active"] = true
		}
		p.Steps = append(p.Steps, plan.Step{Action: plan.Update, Kind: "Brand", Name: have.Metadata.Name,
			Wave: kinds.Default().Wave("Brand"), Want: &want, Have: &have})
	}
	return p
}

// Only one brand is active, and activating one deactivates the others. So
// when the snapshot moves the tenant to another brand, the old one is
// never deactivated on its own: if the activation fails, the tenant keeps
// its old brand instead of falling back to Qlik's default.
func TestBrandSwitchNeverLeavesNoneActive(t *testing.T) {
	for _, c := range []struct {
		name         string
		failActivate bool
		holiday      bool
		want         string
	}{
		{"switch", false, true, "Acme Holiday"},
		{"switch-activation-fails", true, true, "Acme Corporate"},
		{"snapshot-has-none-active", false, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var activations atomic.Int32
			wrap := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/actions/activate") {
						activations.Add(1)
						if c.failActivate {
							http.Error(w, `{"errors":[{"code":"HTTP-500","title":"injected"}]}`, http.StatusInternalServerError)
							return
						}
					}
					next.ServeHTTP(w, r)
				})
			}
			e := kindtest.NewEnv(t, kindtest.Fixture{Seed: demoSeed}, false, wrap)
			if got := activeBrand(t, e); got != "Acme Corporate" {
				t.Fatalf("the demo tenant's active brand is %q, want Acme Corporate", got)
			}
			p := switchPlan(t, e, c.holiday)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			rep, err := apply.Run(ctx, kinds.Default(), e.Tenant(), p, apply.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := activeBrand(t, e); got != c.want {
				t.Errorf("active brand after the apply: %q, want %q (outcomes %+v)", got, c.want, rep.Outcomes)
			}
			if c.holiday && activations.Load() != 1 {
				t.Errorf("%d activations, want 1", activations.Load())
			}
			if failed := rep.Count(apply.Failed); failed != map[bool]int{true: 1, false: 0}[c.failActivate] {
				t.Errorf("%d failed steps (outcomes %+v)", failed, rep.Outcomes)
			}
		})
	}
}

// Check refuses side files the brands API would refuse, before any write.
func TestBrandCheckNamesBadFiles(t *testing.T) {
	d := resource.New("Brand", "B", "", map[string]any{"active": false})
	d.Files = map[string][]byte{
		"files/logo.png":    []byte("\x89PNG\r\n\x1a\n"),
		"files/logo.jpg":    []byte("\xff\xd8\xff"),
		"files/logo.gif":    []byte("GIF89a"),
		"files/styles.json": []byte("{not json"),
		"files/favicon.ico": make([]byte, 100<<10+1),
		"logo.png":          []byte("\x89PNG\r\n\x1a\n"),
	}
	var msgs []string
	for _, p := range kinds.Default().Check(d) {
		msgs = append(msgs, p.Msg)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"side file files/logo.gif is not a brand file",
		"side file logo.png is not a brand file",
		"side files files/logo.jpg and files/logo.png are both the brand's logo",
		"side file files/styles.json is not valid JSON",
		"side file files/favicon.ico is 102401 bytes; Qlik takes a favIcon of at most 102400",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem says %q; got:\n%s", want, all)
		}
	}
	if len(msgs) != 5 {
		t.Errorf("%d problems, want 5:\n%s", len(msgs), all)
	}
	good := resource.New("Brand", "B", "", map[string]any{"active": true})
	good.Files = map[string][]byte{"files/logo.jpg": []byte("\xff\xd8\xff"), "files/styles.json": []byte("{}")}
	if ps := kinds.Default().Check(good); len(ps) != 0 {
		t.Errorf("a good brand has problems: %+v", ps)
	}
}

// --- Brands -----------------------------------------------------------

// pngFile is a PNG in structure (signature, IHDR, IDAT, IEND chunks with
// their CRCs) around binary noise: what a brand's logo must look like for
// a read to take it as whole.
func pngFile(salt byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		body := append([]byte(typ), data...)
		b = append(b, body...)
		b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(body))
	}
	chunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0})
	noise := make([]byte, 256)
	for i := range noise {
		noise[i] = byte(i) ^ salt
	}
	chunk("IDAT", noise)
	chunk("IEND", nil)
	return b
}

// icoFile is an ICO holding one PNG image.
func icoFile(salt byte) []byte {
	img := pngFile(salt)
	b := []byte{0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(img)))
	b = binary.LittleEndian.AppendUint32(b, 22)
	return append(b, img...)
}

// A new inactive brand with a logo and a favicon; the change replaces the
// logo's bytes, drops the favicon, adds styles, rewrites the description
// and activates it (which deactivates the demo's active brand).
var brandsFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: withFiles(resource.New("Brand", "Conformance Brand", "", spec{
		"description": "Created by the conformance suite.",
		"active":      false,
	}), map[string][]byte{
		"files/logo.png":    pngFile(0x01),
		"files/favicon.ico": icoFile(0x02),
	}),
	Modified: withFiles(resource.New("Brand", "Conformance Brand", "", spec{
		"description": "Changed by the conformance suite.",
		"active":      true,
	}), map[string][]byte{
		"files/logo.png":    pngFile(0x03),
		"files/styles.json": []byte("{\n  \"palette\": {\"primary\": \"#123456\"}\n}\n"),
	}),
	FailPaths: []string{"/api/v1/brands", "/api/v1/brands/*/files/logo"},
}
