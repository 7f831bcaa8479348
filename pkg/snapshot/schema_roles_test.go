package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/qlikops/qlikops/pkg/sim"
)

// allRoles is every role the schema knows, whatever the space type.
var allRoles = []string{"basicconsumer", "codeveloper", "consumer", "contributor", "dataconsumer", "datapreview", "facilitator", "operator", "producer", "publisher"}

// assignableRoles asks a simulated tenant which roles a space of each type
// allows (GET space → meta.assignableRoles, the list Qlik calls
// authoritative), so the schema is checked against the API, not against a
// copy of its table.
func assignableRoles(t *testing.T) map[string][]string {
	t.Helper()
	ts := httptest.NewServer(sim.New(sim.Options{}).Handler())
	t.Cleanup(ts.Close)
	call := func(method, path string, body any, out any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+sim.DefaultAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %s", method, path, resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string][]string{}
	for _, typ := range []string{"shared", "managed", "data"} {
		var sp struct {
			ID   string `json:"id"`
			Meta struct {
				AssignableRoles []string `json:"assignableRoles"`
			} `json:"meta"`
		}
		call(http.MethodPost, "/api/v1/spaces", map[string]string{"name": "S " + typ, "type": typ}, &sp)
		call(http.MethodGet, "/api/v1/spaces/"+sp.ID, nil, &sp)
		if len(sp.Meta.AssignableRoles) == 0 {
			t.Fatalf("%s space: no assignableRoles", typ)
		}
		out[typ] = sp.Meta.AssignableRoles
	}
	return out
}

func spaceWithRole(typ, role string) string {
	return fmt.Sprintf("apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: S\nspec:\n  type: %s\n  members:\n    - group: G\n      roles: [%s]\n    - user: u@example.com\n      roles: [consumer]\n", typ, role)
}

// The schema accepts exactly the roles the API allows for each space type,
// both through the decoder (what plan and apply run) and as a plain JSON
// Schema file (what an editor runs).
func TestSpaceSchemaAllowsExactlyTheRolesOfEachSpaceType(t *testing.T) {
	raw, err := os.ReadFile("../../schemas/space.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("space.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	editor, err := c.Compile("space.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for typ, allowed := range assignableRoles(t) {
		for _, role := range allRoles {
			ok := slices.Contains(allowed, role)
			text := spaceWithRole(typ, role)
			_, err := DecodeFile("spaces/s.yaml", []byte(text))
			if ok && err != nil {
				t.Errorf("%s space, role %s: Qlik allows it, the decoder refuses: %v", typ, role, err)
			}
			if !ok {
				want := "spaces/s.yaml:9: field spec.members[0].roles[0]: value must be one of"
				if err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Errorf("%s space, role %s: Qlik refuses it; decoder err = %v, want %q", typ, role, err, want)
				}
			}
			var inst any
			root, _ := parseSingle("s.yaml", []byte(text))
			b, _ := nodeToJSON(root)
			_ = json.Unmarshal(b, &inst)
			if verr := editor.Validate(inst); (verr == nil) != ok {
				t.Errorf("%s space, role %s: editor schema says valid=%v, Qlik says %v", typ, role, verr == nil, ok)
			}
		}
	}
}

func TestSpaceSchemaRefusesNamesQlikRefuses(t *testing.T) {
	for _, name := range []string{`"   "`, `"a/b"`, `"a:b"`, `"` + strings.Repeat("x", 257) + `"`, `""`} {
		text := "apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: " + name + "\nspec:\n  type: shared\n"
		_, err := DecodeFile("spaces/s.yaml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), "spaces/s.yaml:4: field metadata.name:") {
			t.Errorf("name %.20s: err = %v, want a field error at line 4", name, err)
		}
	}
	text := "apiVersion: qlikops.dev/v1\nkind: Space\nmetadata:\n  name: " + strings.Repeat("x", 256) + "\nspec:\n  type: shared\n"
	if _, err := DecodeFile("spaces/s.yaml", []byte(text)); err != nil {
		t.Errorf("256 characters: %v", err)
	}
}
