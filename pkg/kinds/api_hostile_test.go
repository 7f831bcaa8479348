package kinds

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Every kind's list endpoint, answered with bodies of the wrong shape: the
// read must fail with an error that names the endpoint, never panic, and
// never pass for an empty tenant.
func TestReadHostileListResponses(t *testing.T) {
	bodies := map[string]string{
		"data-string":    `{"data":"x"}`,
		"data-object":    `{"data":{"id":"x"}}`,
		"no-data":        `{}`,
		"top-array":      `[{"id":"x","name":"n"}]`,
		"not-json":       `<html>502 Bad Gateway</html>`,
		"item-number":    `{"data":[1]}`,
		"item-string":    `{"data":["x"]}`,
		"id-object":      `{"data":[{"id":{"a":1},"qID":{"a":1},"name":"n","qName":"n"}]}`,
		"links-garbage":  `{"data":[{"id":"x","name":"n","qID":"x","qName":"n","type":"user"}],"links":"next"}`,
		"truncated-json": `{"data":[{"id":"x","name":"n"`,
		// Not a shape Qlik sends; an empty list is spelled [].
		"data-null": `{"data":null}`,
	}
	for _, tg := range readTargets() {
		// One item with its name of the wrong type (and roles, for lists
		// of assignments that have no name).
		bodies["wrong-type"] = `{"data":[{"` + tg.h.Declared().idField() + `":"x","` + tg.h.Declared().nameField() + `":42,"roles":"consumer"}]}`
		for name, body := range bodies {
			if name == "links-garbage" && tg.h.Declared().Unpaged {
				continue // these lists are not paged: links are not read
			}
			t.Run(tg.h.Kind()+tg.list[len("/api/v1"):]+"/"+name, func(t *testing.T) {
				f := newFakeAPI()
				f.lists[tg.list] = body
				if tg.parent != "" {
					f.lists[tg.parent] = `{"data":[` + parentItem + `]}`
				}
				srv := httptest.NewServer(f)
				defer srv.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				docs, err := tg.h.Read(ctx, f.tenant(t, srv.URL))
				if err == nil {
					t.Fatalf("BUG: %s answering %s: read succeeded with %d documents %v; want an error", tg.list, body, len(docs), keysOf(docs))
				}
				if !strings.Contains(err.Error(), tg.list) {
					t.Errorf("error does not name the endpoint %s: %v", tg.list, err)
				}
			})
		}
	}
}

// Items that decode but lack their identity must not become documents:
// a document without a name is refused by plan and apply, and two
// nameless items would fight over one file.
func TestReadHostileListItems(t *testing.T) {
	for _, c := range []struct {
		h          Handler
		list, item string
	}{
		{Groups, "/api/v1/groups", `{"id":"g9","providerType":"custom"}`},
		{Groups, "/api/v1/groups", `{"name":"No Id","providerType":"custom"}`},
		{Groups, "/api/v1/groups", `{"id":"g9","name":"New Kind","providerType":"saml"}`},
		{Users, "/api/v1/users", `{"id":"u9","status":"active"}`},
		{Spaces, "/api/v1/spaces", `{"id":"s9","type":"managed"}`},
		{Spaces, "/api/v1/spaces", `{"id":"s9","name":"No Type"}`},
		{Automations, "/api/v1/automations", `{"id":"a9","state":"enabled"}`},
		{AutomationConnections, "/api/v1/automation-connections", `{"id":"ac9","name":"No Connector","spaceId":"s1"}`},
		{Glossaries, "/api/v1/glossaries", `{"id":"gl9"}`},
		{Themes, "/api/v1/themes", `{"id":"th9"}`},
	} {
		t.Run(c.h.Kind()+"/"+c.item, func(t *testing.T) {
			target := readTargetFor(c.list)
			docs, err := readWith(t, target, []byte(c.item))
			if err != nil {
				return
			}
			checkDocs(t, c.h, []byte(c.item), docs)
		})
	}
	// Two groups without ids are two groups, not one.
	f := newFakeAPI()
	f.lists["/api/v1/groups"] = `{"data":[{"name":"A","providerType":"custom"},{"name":"B","providerType":"custom"}]}`
	srv := httptest.NewServer(f)
	defer srv.Close()
	docs, err := Groups.Read(context.Background(), f.tenant(t, srv.URL))
	if err == nil && len(docs) != 2 {
		t.Errorf("BUG: two listed groups without ids read as %d document(s) %v: one was silently dropped", len(docs), keysOf(docs))
	}
}

// Ids come from the API. Whatever they hold, a write to one resource must
// stay under that resource's collection.
func TestWritesWithHostileIDsStayInTheirCollection(t *testing.T) {
	for _, id := range []string{"../users/u1", "x/../../../admin", "a?b=c", "a#b", "%2e%2e%2fusers"} {
		for _, c := range []struct {
			h          Handler
			want, have resource.Document
		}{
			{Groups, resource.New("Group", "G", id, map[string]any{"providerType": "custom", "roles": []any{"Developer"}}),
				resource.New("Group", "G", id, map[string]any{"providerType": "custom"})},
			{Users, resource.New("User", "jane@example.com", id, map[string]any{"subject": "auth0|jane", "name": "New"}),
				resource.New("User", "jane@example.com", id, map[string]any{"subject": "auth0|jane", "name": "Old"})},
			{Spaces, resource.New("Space", "S", id, map[string]any{"type": "managed", "description": "new"}),
				resource.New("Space", "S", id, map[string]any{"type": "managed", "description": "old"})},
		} {
			f := newFakeAPI()
			srv := httptest.NewServer(f)
			tn := f.tenant(t, srv.URL)
			ctx := context.Background()
			_, _ = c.h.Update(ctx, tn, c.want, c.have)
			_, _ = c.h.Delete(ctx, tn, c.have)
			srv.Close()
			for _, w := range f.writes {
				if rest, ok := strings.CutPrefix(w.path, basePath(c.h)+"/"); !ok || strings.Contains("/"+rest+"/", "/../") {
					t.Errorf("BUG: %s id %q: %s %s leaves %s/", c.h.Kind(), id, w.method, w.path, basePath(c.h))
				}
			}
		}
	}
}

func keysOf(docs []resource.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Key().String())
	}
	return out
}
