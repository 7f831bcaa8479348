package kinds

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// widgets is a simple kind as the next kinds will be: a descriptor and two
// mappings, nothing else.
type apiWidget struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Origin string `json:"origin"`
}

type widgetSpec struct {
	Origin string `json:"origin"`
	Token  string `json:"token,omitempty"`
}

func widgets(method string) REST[apiWidget, widgetSpec] {
	return REST[apiWidget, widgetSpec]{
		Desc: Desc{KindName: "Widget", FolderName: "widgets", ListPath: "/api/v1/widgets", Query: limit100(),
			Secrets: []SecretField{{Spec: "token", API: "signingToken"}}},
		FromAPI: func(_ context.Context, _ *Tenant, w apiWidget) (resource.Document, bool, error) {
			d, err := toDoc("Widget", w.Name, w.ID, widgetSpec{Origin: w.Origin})
			return d, true, err
		},
		ToAPI: func(_ context.Context, _ *Tenant, d resource.Document, s widgetSpec) (map[string]any, error) {
			return map[string]any{"name": d.Metadata.Name, "origin": s.Origin}, nil
		},
		UpdateMethod: method,
		Patch:        map[string]string{"origin": "/origin"},
	}
}

const widgetToken = "${secret:widgets/W/token}"

func widgetDoc(origin string) resource.Document {
	return resource.New("Widget", "W", "w1", map[string]any{"origin": origin, "token": widgetToken})
}

// writesOf runs fn against a fake API and returns its writes as
// "METHOD path body".
func writesOf(t *testing.T, supplied map[string]string, fn func(ctx context.Context, tn *Tenant) Result) (Result, []string) {
	t.Helper()
	f := newFakeAPI()
	srv := httptest.NewServer(f)
	defer srv.Close()
	tn := f.tenant(t, srv.URL)
	tn.Secrets = secrets.NewStore(supplied, nil)
	res := fn(context.Background(), tn)
	var out []string
	for _, w := range f.writes {
		out = append(out, w.method+" "+w.path+" "+string(w.body))
	}
	return res, out
}

func TestRESTSecretsAreFilledKeptOrReportedForReentry(t *testing.T) {
	k := widgets(http.MethodPut)
	supplied := map[string]string{"widgets/W/token": "tok-SENTINEL"}

	res, w := writesOf(t, supplied, func(ctx context.Context, tn *Tenant) Result {
		r, err := k.Create(ctx, tn, widgetDoc("https://a"))
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
	if len(w) != 1 || !strings.HasPrefix(w[0], "POST /api/v1/widgets ") || !strings.Contains(w[0], `"signingToken":"tok-SENTINEL"`) || len(res.NeedsReentry) != 0 || res.ID != "new1" {
		t.Errorf("create with the secret supplied: %v %+v", w, res)
	}

	res, w = writesOf(t, nil, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.Create(ctx, tn, widgetDoc("https://a"))
		return r
	})
	if len(w) != 1 || strings.Contains(w[0], "signingToken") || strings.Join(res.NeedsReentry, ",") != "widgets/W/token" {
		t.Errorf("create without the secret must send none and report it: %v %+v", w, res)
	}

	_, w = writesOf(t, nil, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.Update(ctx, tn, widgetDoc("https://b"), widgetDoc("https://a"))
		return r
	})
	if len(w) != 1 || !strings.HasPrefix(w[0], "PUT /api/v1/widgets/w1 ") || strings.Contains(w[0], "signingToken") || !strings.Contains(w[0], `"origin":"https://b"`) {
		t.Errorf("a PUT without the secret keeps the tenant's value by not sending it: %v", w)
	}

	_, w = writesOf(t, nil, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.Update(ctx, tn, widgetDoc("https://a"), widgetDoc("https://a"))
		return r
	})
	if len(w) != 0 {
		t.Errorf("an unchanged widget was written: %v", w)
	}
}

func TestRESTPatchSendsOnlyChangedFieldsAndChosenSecrets(t *testing.T) {
	k := widgets(http.MethodPatch)
	supplied := map[string]string{"widgets/W/token": "tok-SENTINEL"}
	_, w := writesOf(t, supplied, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.Update(ctx, tn, widgetDoc("https://b"), widgetDoc("https://a"))
		return r
	})
	want := `PATCH /api/v1/widgets/w1 [{"op":"replace","path":"/origin","value":"https://b"},{"op":"replace","path":"/signingToken","value":"tok-SENTINEL"}]`
	if len(w) != 1 || w[0] != want {
		t.Errorf("patch = %v\nwant %s", w, want)
	}
	_, w = writesOf(t, supplied, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.WriteSecrets(ctx, tn, widgetDoc("https://b"), widgetDoc("https://a"), []string{"widgets/W/token"})
		return r
	})
	want = `PATCH /api/v1/widgets/w1 [{"op":"replace","path":"/signingToken","value":"tok-SENTINEL"}]`
	if len(w) != 1 || w[0] != want {
		t.Errorf("write-secrets = %v\nwant %s (the secret alone)", w, want)
	}
	_, w = writesOf(t, nil, func(ctx context.Context, tn *Tenant) Result {
		r, _ := k.Delete(ctx, tn, widgetDoc("https://a"))
		return r
	})
	if len(w) != 1 || !strings.HasPrefix(w[0], "DELETE /api/v1/widgets/w1") {
		t.Errorf("delete = %v", w)
	}
}

// Read turns every declared secret field into its placeholder, whatever
// the API returned there.
func TestRESTPlaceholdersOnRead(t *testing.T) {
	d := resource.New("Widget", "W", "w1", map[string]any{"origin": "x", "token": "leaked"})
	widgets(http.MethodPut).placeholders(&d)
	b, _ := json.Marshal(d.Spec)
	if string(b) != `{"origin":"x","token":"${secret:widgets/W/token}"}` {
		t.Errorf("spec after placeholders: %s", b)
	}
}
