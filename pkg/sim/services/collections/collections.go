package collections

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
)

// collection is one stored collection; its JSON names are the API's
// writable fields.
//
// Choices where Qlik does not say: a collection holds at most 1,000 items
// (full is then true); an item is listed in the order it was added; items
// of deleted apps are not listed (Qlik drops them with the app); a tag's
// name is unique among tags case-insensitively; PUT and PATCH answer 409
// for a tag renamed onto another tag.
type collection struct {
	core.Row
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	Items       []string `json:"items,omitempty"`
}

const maxItems = 1000

// Collections is the collections table.
var Collections = core.NewTable[collection]("collections")

var resource = &core.Resource[collection]{
	Table: Collections, Path: "/api/v1/collections", Label: "collection",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbPatch | core.VerbDelete,
	Row:   func(c *collection) *core.Row { return &c.Row },

	DefaultLimit: 10,
	Sorts: map[string]func(*collection) string{
		"name":      func(c *collection) string { return strings.ToLower(c.Name) },
		"createdAt": func(c *collection) string { return core.FmtTime(c.CreatedAt) },
		"updatedAt": func(c *collection) string { return core.FmtTime(c.UpdatedAt) },
	},
	Filters: map[string]core.Filter[collection]{
		"name":      exact(func(c *collection) string { return c.Name }),
		"type":      exact(func(c *collection) string { return c.Type }),
		"types":     oneOf(func(c *collection) string { return c.Type }),
		"creatorId": exact(func(c *collection) string { return c.CreatedBy }),
		"id":        exact(func(c *collection) string { return c.ID }),
		"query": func(v string) (func(*collection) bool, error) {
			v = strings.ToLower(v)
			return func(c *collection) bool {
				return strings.Contains(strings.ToLower(c.Name), v) || strings.Contains(strings.ToLower(c.Description), v)
			}, nil
		},
	},
	ReadOnly:    []string{"items", "itemCount", "full", "tenantId", "creatorId", "updaterId", "links", "meta"},
	Patchable:   []string{"/name", "/description", "/type"},
	PatchOps:    []string{"replace"},
	PatchStatus: http.StatusOK,
	Prepare:     prepare,
	Render:      render,
}

func exact(get func(*collection) string) core.Filter[collection] {
	return func(v string) (func(*collection) bool, error) {
		return func(c *collection) bool { return get(c) == v }, nil
	}
}

func oneOf(get func(*collection) string) core.Filter[collection] {
	return func(v string) (func(*collection) bool, error) {
		set := strings.Split(v, ",")
		return func(c *collection) bool { return slices.Contains(set, get(c)) }, nil
	}
}

func prepare(s *core.Server, st *core.State, c, old *collection) *core.Invalid {
	if old != nil {
		c.Items = old.Items
		if c.Type == "" { // a PUT carries name and description only
			c.Type = old.Type
		}
	}
	switch {
	case strings.TrimSpace(c.Name) == "":
		return &core.Invalid{Pointer: "/name", Detail: "name is required", Missing: true}
	case !slices.Contains([]string{"private", "public", "publicgoverned"}, c.Type):
		return &core.Invalid{Pointer: "/type", Detail: fmt.Sprintf("type %q is not private, public or publicgoverned", c.Type)}
	case old != nil && (old.Type == "public") != (c.Type == "public"):
		return &core.Invalid{Pointer: "/type", Detail: "a tag (public) cannot become a collection, nor a collection a tag"}
	case old != nil && old.Type == "private" && c.Type == "publicgoverned" && len(c.Items) == 0:
		return &core.Invalid{Pointer: "/type", Detail: "a collection is published only once it holds at least one item"}
	}
	if c.Type == "public" {
		clash := Collections.Find(st, func(o *collection) bool {
			return o.ID != c.ID && o.Type == "public" && strings.EqualFold(o.Name, c.Name)
		})
		if clash != nil {
			return &core.Invalid{Status: http.StatusConflict, Pointer: "/name", Detail: fmt.Sprintf("a tag named %q already exists", c.Name)}
		}
	}
	return nil
}

// live are the collection's items that still exist, rendered.
func live(r *http.Request, st *core.State, c *collection) []map[string]any {
	var out []map[string]any
	for _, id := range c.Items {
		if it, ok := apps.ItemByID(r, st, id); ok {
			out = append(out, it)
		}
	}
	return out
}

// render is collectionResultResponseBody.
func render(r *http.Request, st *core.State, c *collection) any {
	self := core.BaseURL(r) + "/api/v1/collections/" + c.ID
	n := len(live(r, st, c))
	return map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "description": c.Description,
		"tenantId": st.TenantID, "creatorId": c.CreatedBy, "updaterId": c.UpdatedBy,
		"createdAt": core.FmtTime(c.CreatedAt), "updatedAt": core.FmtTime(c.UpdatedAt),
		"itemCount": n, "full": n >= maxItems,
		"links": map[string]any{"self": core.Link{Href: self}, "items": core.Link{Href: self + "/items"}}}
}
