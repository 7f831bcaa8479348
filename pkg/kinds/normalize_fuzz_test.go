package kinds

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
	"github.com/qlikops/qlikops/pkg/snapshot"
)

// fakeAPI is a minimal tenant for driving one handler's decode and
// normalize step (or its payload building) without the simulator: fixed
// users, groups and spaces, every other list empty, except one endpoint
// whose items, or one item, the test sets. Writes are recorded and answered
// with a small created object.
type fakeAPI struct {
	mu     sync.Mutex
	lists  map[string]string // path -> whole response body
	items  map[string]string // path -> single GET body
	writes []recorded
	gets   []string // paths of every GET, in order
}

type recorded struct {
	method, path, ctype string
	body                []byte
}

const (
	fakeUsers  = `{"data":[{"id":"u1","subject":"auth0|jane","email":"jane@example.com","name":"Jane","status":"active","assignedGroups":[{"id":"g1","name":"Custom","providerType":"custom"}]}]}`
	fakeGroups = `{"data":[{"id":"g1","name":"Custom","providerType":"custom","status":"active"},{"id":"g2","name":"IdP","providerType":"idp","status":"active"}]}`
	fakeSpaces = `{"data":[{"id":"s1","name":"Finance","type":"managed","ownerId":"u1"}]}`
)

func newFakeAPI() *fakeAPI {
	return &fakeAPI{lists: map[string]string{
		"/api/v1/users":  fakeUsers,
		"/api/v1/groups": fakeGroups,
		"/api/v1/spaces": fakeSpaces,
	}, items: map[string]string{}}
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodGet {
		f.writes = append(f.writes, recorded{r.Method, r.URL.Path, r.Header.Get("Content-Type"), body})
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":"new1","name":"created","state":"enabled","ownerId":"u1","spaceId":"s1"}`)
		return
	}
	p := r.URL.Path
	f.gets = append(f.gets, p)
	if b, ok := f.lists[p]; ok {
		fmt.Fprint(w, b)
		return
	}
	if b, ok := f.items[p]; ok {
		fmt.Fprint(w, b)
		return
	}
	switch {
	case strings.HasSuffix(p, "/file"):
		w.Header().Set("Content-Type", "application/zip")
		w.Write(fakeZip)
	case isSubList(p):
		fmt.Fprint(w, `{"data":[]}`)
	case strings.Count(p, "/") >= 4:
		// A single resource nobody set: answer an empty object.
		fmt.Fprint(w, `{}`)
	default:
		fmt.Fprint(w, `{"data":[]}`)
	}
}

var fakeZip = func() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, _ := zw.Create("theme.json")
	fw.Write([]byte(`{"color":"#fff"}`))
	fw, _ = zw.Create("corp.qext")
	fw.Write([]byte(`{"name":"Corp","type":"theme"}`))
	zw.Close()
	return buf.Bytes()
}()

func (f *fakeAPI) tenant(t testing.TB, url string) *Tenant {
	c, err := qlik.New(qlik.Config{TenantURL: url, APIKey: "fuzz-api-key-123", Tier1PerMin: -1, Tier2PerMin: -1, MaxRetries: -1, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tn := NewTenant(c)
	tn.Secrets = secrets.NewStore(map[string]string{"data-connections/Finance/x/password": "pw"}, nil)
	return tn
}

// isSubList reports a list some kind reads per item (a space's
// assignments), as the registry declares them.
func isSubList(p string) bool {
	for _, h := range Default().All() {
		for _, sub := range h.Declared().PerItem {
			if sub != "file" && strings.HasPrefix(p, h.Declared().ListPath+"/") && strings.HasSuffix(p, "/"+sub) {
				return true
			}
		}
	}
	return false
}

// readTarget is one handler and a list endpoint that feeds it: its
// collection, or a list it reads per item of its parent collection.
// itemPath is set when the same item also answers the per-item GET the
// handler makes.
type readTarget struct {
	h        Handler
	list     string
	parent   string // the collection a sub-list hangs under; "" for the collection
	itemPath func(id string) string
}

// parentItem is the one item of a parent collection, for targets that are
// sub-lists: it has every field some kind needs to get to its sub-lists.
const parentItem = `{"id":"p1","name":"P","type":"shared","spaceId":"s1"}`

// readTargets follow from the registry: each kind's collection, and each
// list it reads per item under the parent item p1.
func readTargets() []readTarget {
	var out []readTarget
	for _, h := range Default().All() {
		d := h.Declared()
		rt := readTarget{h: h, list: d.ListPath}
		if d.GetEach {
			rt.itemPath = func(id string) string { return d.ListPath + "/" + id }
		}
		out = append(out, rt)
		for _, sub := range d.PerItem {
			if sub != "file" {
				out = append(out, readTarget{h: h, list: d.ListPath + "/p1/" + sub, parent: d.ListPath})
			}
		}
	}
	return out
}

// readTargetFor picks the target a fuzz input names by its list path, and
// any other string deterministically, so the fuzzer reaches every target.
func readTargetFor(list string) readTarget {
	ts := readTargets()
	for _, t := range ts {
		if t.list == list {
			return t
		}
	}
	n := 0
	for _, c := range list {
		n += int(c)
	}
	return ts[n%len(ts)]
}

// readWith serves item as the only element of target's list and runs Read.
func readWith(t *testing.T, target readTarget, item []byte) ([]resource.Document, error) {
	f := newFakeAPI()
	f.lists[target.list] = `{"data":[` + string(item) + `]}`
	if target.parent != "" {
		f.lists[target.parent] = `{"data":[` + parentItem + `]}`
	}
	if target.itemPath != nil {
		var probe struct {
			ID  any `json:"id"`
			QID any `json:"qID"`
		}
		_ = json.Unmarshal(item, &probe)
		for _, id := range []any{probe.ID, probe.QID} {
			if s, ok := id.(string); ok && s != "" && !strings.ContainsAny(s, "/?#%") {
				f.items[target.itemPath(s)] = string(item)
			}
		}
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return target.h.Read(ctx, f.tenant(t, srv.URL))
}

// checkDocs asserts what export needs of a successful read: documents of the
// handler's kind that encode to files under its folder and decode back to
// themselves.
func checkDocs(t *testing.T, h Handler, item []byte, docs []resource.Document) {
	t.Helper()
	reg := Default()
	for _, d := range docs {
		if d.Kind != h.Kind() {
			t.Fatalf("%s read gave a %s document", h.Kind(), d.Kind)
		}
	}
	files, err := snapshot.Encode(reg, docs)
	if err != nil {
		t.Fatalf("item %s: read %s, which does not encode: %v", item, h.Kind(), err)
	}
	for p := range files {
		if p != path.Clean(p) || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") {
			t.Fatalf("item %s: unclean path %q", item, p)
		}
		top, _, _ := strings.Cut(p, "/")
		if top != h.Folder() && top != snapshot.SchemaDir {
			t.Fatalf("item %s: %s file written outside %s/: %q", item, h.Kind(), h.Folder(), p)
		}
	}
	back, err := snapshot.Decode(reg, []string{h.Kind()}, files)
	if err != nil {
		t.Fatalf("item %s: %s documents read from the API do not decode from the repo:\n%v", item, h.Kind(), err)
	}
	want := make([]resource.Document, len(docs))
	for i, d := range docs {
		want[i], _ = resource.Canonical(d)
		if len(want[i].Files) == 0 {
			want[i].Files = nil
		}
	}
	resource.Sort(want)
	if len(back) != len(want) {
		t.Fatalf("item %s: %d documents read, %d decoded", item, len(want), len(back))
	}
	for i := range want {
		a, _ := json.Marshal(want[i])
		b, _ := json.Marshal(back[i])
		if !bytes.Equal(a, b) {
			t.Fatalf("item %s: round trip changed the document:\n read: %s\n back: %s", item, a, b)
		}
	}
}

// basePath is the collection every write of a kind must stay under.
func basePath(h Handler) string { return h.Declared().ListPath }

// writesUnder reports whether a write path is inside the kind's
// collection or one of its declared WritePaths.
func writesUnder(h Handler, clean string) bool {
	for _, base := range append([]string{basePath(h)}, h.Declared().WritePaths...) {
		if clean == base || strings.HasPrefix(clean, base+"/") {
			return true
		}
	}
	return false
}

// fuzzExtraSeeds are hostile inputs on top of the demo tenant's items, by
// target list.
var fuzzExtraSeeds = []struct{ list, item, name, id string }{
	{"/api/v1/groups", `{"name":42}`, "../x", "../../users/u1"},
	{"/api/v1/data-connections", `{"connectStatement":"PWD=${secret:data-connections/Finance/x/password}","type":"x","password":"${secret:nope}"}`, "x", "dc1"},
	{"/api/v1/spaces", `{"type":"managed","members":[{"group":"Custom","roles":["consumer"]},{"user":"jane@example.com","roles":null}]}`, "CON", "s1"},
	{"/api/v1/glossaries", `{"categories":[{"name":"a/b"},{"name":"a"}],"terms":[{"name":"t","relatesTo":[{"term":"t","type":"isA"}]}]}`, "G", "gl1"},
}

func FuzzNormalize(f *testing.F) {
	// Read direction: (target list, item JSON). Write direction: the same
	// bytes as a spec, with a name and id. Every target is seeded with the
	// first item the demo tenant lists there, so a new kind is fuzzed from
	// its first sample without a line here.
	for list, item := range demoItems(f) {
		f.Add(list, item, "Name", "id1")
	}
	for _, s := range fuzzExtraSeeds {
		f.Add(s.list, []byte(s.item), s.name, s.id)
	}
	f.Fuzz(func(t *testing.T, list string, data []byte, name, id string) {
		// Read: the bytes are one listed item.
		rt := readTargetFor(list)
		docs, err := readWith(t, rt, data)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error for item %s", data)
			}
		} else {
			checkDocs(t, rt.h, data, docs)
		}

		// Write: the bytes are a spec.
		var spec map[string]any
		if json.Unmarshal(data, &spec) != nil || spec == nil {
			return
		}
		h := rt.h
		want := resource.New(h.Kind(), name, id, spec)
		// The live side differs in a few fields only, so Update gets past
		// its immutability checks and builds a payload.
		haveSpec := map[string]any{}
		for k, v := range spec {
			haveSpec[k] = v
		}
		delete(haveSpec, "roles")
		delete(haveSpec, "members")
		haveSpec["description"] = "live"
		have := resource.New(h.Kind(), name, id, haveSpec)
		if h.Declared().SpaceField != "" {
			want.Metadata.Space, have.Metadata.Space = "Finance", "Finance"
		}
		if fl, ok := h.(FileLayouter); ok {
			want.Files = map[string][]byte{}
			for _, side := range fl.FileLayout().SideFiles {
				want.Files[side] = data
			}
			if fl.FileLayout().Bundle != "" {
				want.Files[filesDir+"a.json"] = data
			}
		}
		fa := newFakeAPI()
		srv := httptest.NewServer(fa)
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = h.Create(ctx, fa.tenant(t, srv.URL), want)
		_, _ = h.Update(ctx, fa.tenant(t, srv.URL), want, have)
		fa.mu.Lock()
		defer fa.mu.Unlock()
		for _, w := range fa.writes {
			if clean := path.Clean(w.path); !writesUnder(h, clean) {
				t.Errorf("BUG: %s write %s %s (id %q) leaves %s/", h.Kind(), w.method, w.path, id, basePath(h))
			}
			mt, _, _ := mime.ParseMediaType(w.ctype)
			if mt == "multipart/form-data" || len(w.body) == 0 {
				continue
			}
			if !json.Valid(w.body) {
				t.Fatalf("%s %s %s: body is not valid JSON: %q", h.Kind(), w.method, w.path, w.body)
			}
		}
	})
}
