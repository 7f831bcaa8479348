package kinds_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Mutants of the kinds with spaces, side files and secrets, in the manner of
// mutation_test.go: each breaks one thing the suite must notice.

func contentMutants() map[string]mutantCase {
	dc := kinds.DataConnections
	ac := kinds.AutomationConnections
	au := kinds.Automations
	return map[string]mutantCase{
		// A binary side file does not survive the read.
		"theme-read-drops-binary": {mutant{Handler: kinds.Themes, read: mapRead(kinds.Themes, func(docs []resource.Document) []resource.Document {
			for i := range docs {
				files := map[string][]byte{}
				for name, b := range docs[i].Files {
					if !strings.HasSuffix(name, ".png") {
						files[name] = b
					}
				}
				docs[i].Files = files
			}
			return docs
		})}, themesFixture, []string{"round-trip", "update"}},
		// A text side file comes back with other line endings.
		"theme-read-normalizes-crlf": {mutant{Handler: kinds.Themes, read: mapRead(kinds.Themes, func(docs []resource.Document) []resource.Document {
			for i := range docs {
				for name, b := range docs[i].Files {
					docs[i].Files[name] = []byte(strings.ReplaceAll(string(b), "\r\n", "\n"))
				}
			}
			return docs
		})}, themesFixture, []string{"round-trip", "update"}},
		// Update looks at the spec only: a change of files alone is lost.
		"extension-update-ignores-files": {mutant{Handler: kinds.Extensions, update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
			want.Files = have.Files
			return kinds.Extensions.Update(ctx, t, want, have)
		}}, extensionsFixture, []string{"update"}},
		// The workspace side file is left out of the read.
		"automation-read-drops-workspace": {mutant{Handler: au, read: mapRead(au, func(docs []resource.Document) []resource.Document {
			for i := range docs {
				docs[i].Files = nil
			}
			return docs
		})}, automationsFixture, []string{"round-trip", "update"}},
		// The space is left out of the key.
		"dc-read-drops-space": {mutant{Handler: dc, read: mapRead(dc, func(docs []resource.Document) []resource.Document {
			for i := range docs {
				docs[i].Metadata.Space = ""
			}
			return docs
		})}, dataConnectionsFixture, []string{"round-trip", "update"}},
		// Delete goes by name alone and takes the twin in the other space too.
		"dc-delete-by-name": {mutant{Handler: dc, delete: func(ctx context.Context, t *kinds.Tenant, have resource.Document) (kinds.Result, error) {
			docs, err := dc.Read(ctx, t)
			if err != nil {
				return kinds.Result{}, err
			}
			for _, d := range docs {
				if d.Metadata.Name == have.Metadata.Name {
					if _, err := dc.Delete(ctx, t, d); err != nil {
						return kinds.Result{}, err
					}
				}
			}
			return kinds.Result{}, nil
		}}, dataConnectionsFixture, []string{"delete"}},
		// What the API does not allow is dropped without a word.
		"automation-not-applied-unreported": {mutant{Handler: au, update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
			res, err := au.Update(ctx, t, want, have)
			res.NotApplied = nil
			return res, err
		}}, hiddenAutomationFixture, []string{"applied-or-reported"}},
		// An update made without secrets blanks the stored password.
		"dc-update-clears-password": {mutant{Handler: dc, update: func(ctx context.Context, t *kinds.Tenant, want, have resource.Document) (kinds.Result, error) {
			res, err := dc.Update(ctx, t, want, have)
			if err == nil && t.Secrets == nil {
				err = t.API.Do(ctx, http.MethodPatch, "/api/v1/data-connections/"+url.PathEscape(have.Metadata.ID),
					[]map[string]any{{"op": "replace", "path": "/qPassword", "value": ""}}, nil)
			}
			return res, err
		}}, dataConnectionsFixture, []string{"secret-stripping"}},
		// Create drops the supplied password.
		"dc-create-without-password": {mutant{Handler: dc, create: func(ctx context.Context, t *kinds.Tenant, want resource.Document) (kinds.Result, error) {
			want.Spec = cloneSpec(want.Spec)
			delete(want.Spec, "password")
			return dc.Create(ctx, t, want)
		}}, dataConnectionsFixture, []string{"secret-stripping"}},
		// Read exports the stored parameter values instead of placeholders.
		"ac-read-leaks-params": {mutant{Handler: ac, read: func(ctx context.Context, t *kinds.Tenant) ([]resource.Document, error) {
			docs, err := ac.Read(ctx, t)
			if err != nil {
				return nil, err
			}
			for i := range docs {
				var sec struct {
					Params map[string]string `json:"params"`
				}
				if err := t.API.Do(ctx, http.MethodGet, "/_sim/automation-connections/"+docs[i].Metadata.ID+"/secrets", nil, &sec); err != nil {
					return nil, err
				}
				docs[i].Spec = cloneSpec(docs[i].Spec)
				var params []any
				for name, v := range sec.Params {
					params = append(params, map[string]any{"name": name, "value": v})
				}
				docs[i].Spec["params"] = params
			}
			return docs, nil
		}}, automationConnectionsFixture, []string{"secret-stripping"}},
	}
}
