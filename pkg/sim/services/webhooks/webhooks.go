package webhooks

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// webhook is one stored webhook; its JSON names are the API's writable
// fields, so that create, PUT and PATCH bodies decode into it. secret and
// the encryptedHeaders values are kept (the state file is the simulator's
// own storage) but never rendered.
//
// Choices where Qlik does not say:
//   - url may be http or https (tests deliver to loopback receivers over
//     http); it needs a host. eventTypes are not checked against the
//     catalogue.
//   - ownerId defaults to the creator and must name a user.
//   - PUT clears every omitted field, secret and encrypted headers
//     included (the spec: "any omitted fields will be cleared"); origin
//     and the disabled reason are kept, and enableCloudEventDelivery stays
//     on once on (turning it off is a 400).
//   - enabling a webhook clears the reason Qlik disabled it for.
//   - the 150-webhooks-per-user cap and the re-entry of encrypted headers
//     on a URL change are not simulated.
type webhook struct {
	core.Row
	Name                       string            `json:"name"`
	Description                string            `json:"description,omitempty"`
	URL                        string            `json:"url"`
	EventTypes                 []string          `json:"eventTypes,omitempty"`
	Filter                     string            `json:"filter,omitempty"`
	Headers                    map[string]string `json:"headers,omitempty"`
	EncryptedHeaders           map[string]string `json:"encryptedHeaders,omitempty"`
	Secret                     string            `json:"secret,omitempty"`
	Enabled                    bool              `json:"enabled"`
	Level                      string            `json:"level,omitempty"`
	OwnerID                    string            `json:"ownerId,omitempty"`
	Origin                     string            `json:"origin,omitempty"`
	CheckCertificateRevocation bool              `json:"checkCertificateRevocation"`
	EnableCloudEventDelivery   *bool             `json:"enableCloudEventDelivery,omitempty"`
	DisabledReason             string            `json:"disabledReason,omitempty"`
	DisabledReasonCode         string            `json:"disabledReasonCode,omitempty"`
}

// Webhooks is the webhooks table.
var Webhooks = core.NewTable[webhook]("webhooks")

var resource = &core.Resource[webhook]{
	Table: Webhooks, Path: "/api/v1/webhooks", Label: "webhook",
	Verbs: core.VerbList | core.VerbCreate | core.VerbGet | core.VerbPut | core.VerbPatch | core.VerbDelete,
	Row:   func(w *webhook) *core.Row { return &w.Row },

	DefaultLimit: 20, DefaultSort: "-createdAt",
	Sorts: map[string]func(*webhook) string{
		"name":      func(w *webhook) string { return strings.ToLower(w.Name) },
		"url":       func(w *webhook) string { return strings.ToLower(w.URL) },
		"createdAt": func(w *webhook) string { return core.FmtTime(w.CreatedAt) },
		"updatedAt": func(w *webhook) string { return core.FmtTime(w.UpdatedAt) },
	},
	Filters: map[string]core.Filter[webhook]{
		"createdByUserId": core.EqualFilter(func(w *webhook) string { return w.CreatedBy }),
		"updatedByUserId": core.EqualFilter(func(w *webhook) string { return w.UpdatedBy }),
		"ownerId":         core.EqualFilter(func(w *webhook) string { return w.OwnerID }),
		"level":           core.EqualFilter(func(w *webhook) string { return w.Level }),
		"enabled":         core.BoolFilter(func(w *webhook) bool { return w.Enabled }),
		"eventTypes":      core.AnyOfFilter(func(w *webhook) []string { return w.EventTypes }),
		"origins":         core.AnyOfFilter(func(w *webhook) []string { return []string{w.Origin} }),
		"name":            core.WildcardFilter(func(w *webhook) string { return w.Name }),
		"url":             core.WildcardFilter(func(w *webhook) string { return w.URL }),
	},

	ReadOnly: []string{"createdByUserId", "updatedByUserId", "disabledReason", "disabledReasonCode", "secretKeyAdded"},
	Patchable: []string{"/name", "/description", "/url", "/eventTypes", "/headers", "/enabled", "/secret",
		"/encryptedHeaders", "/enableCloudEventDelivery"},
	Prepare: prepare,
	Render:  render,
}

var (
	levels  = []string{"tenant", "user"}
	origins = []string{"api", "automations", "management-console"}
)

// prepare keeps what the client may not change, sets the defaults and
// checks the fields against the spec's bounds.
func prepare(s *core.Server, st *core.State, w, old *webhook) *core.Invalid {
	if old != nil {
		w.Origin = old.Origin
		w.DisabledReason, w.DisabledReasonCode = old.DisabledReason, old.DisabledReasonCode
		if old.cloudEvents() {
			if w.EnableCloudEventDelivery != nil && !*w.EnableCloudEventDelivery {
				return &core.Invalid{Pointer: "/enableCloudEventDelivery", Detail: "enableCloudEventDelivery cannot be turned off once on"}
			}
			w.EnableCloudEventDelivery = old.EnableCloudEventDelivery
		}
	}
	if w.Enabled {
		w.DisabledReason, w.DisabledReasonCode = "", ""
	}
	if w.EnableCloudEventDelivery == nil {
		on := true
		w.EnableCloudEventDelivery = &on
	}
	if w.Level == "" {
		w.Level = "tenant"
	}
	if w.Origin == "" {
		w.Origin = "api"
	}
	if w.OwnerID == "" {
		w.OwnerID = w.CreatedBy
	}
	return check(st, w)
}

func (w *webhook) cloudEvents() bool {
	return w.EnableCloudEventDelivery == nil || *w.EnableCloudEventDelivery
}

func check(st *core.State, w *webhook) *core.Invalid {
	bad := func(field, format string, a ...any) *core.Invalid {
		return &core.Invalid{Pointer: "/" + field, Detail: fmt.Sprintf(format, a...)}
	}
	switch {
	case strings.TrimSpace(w.Name) == "":
		return &core.Invalid{Pointer: "/name", Detail: "name is required", Missing: true}
	case strings.TrimSpace(w.URL) == "":
		return &core.Invalid{Pointer: "/url", Detail: "url is required", Missing: true}
	case len(w.Name) > 512:
		return bad("name", "name must be at most 512 characters")
	case len(w.URL) > 2048:
		return bad("url", "url must be at most 2048 characters")
	case len(w.Description) > 1024:
		return bad("description", "description must be at most 1024 characters")
	case w.Secret != "" && (len(w.Secret) < 32 || len(w.Secret) > 64):
		return bad("secret", "secret must be 32 to 64 characters")
	case !slices.Contains(levels, w.Level):
		return bad("level", "level must be tenant or user")
	case !slices.Contains(origins, w.Origin):
		return bad("origin", "origin must be one of %s", strings.Join(origins, ", "))
	case core.Users.Get(st, w.OwnerID) == nil:
		return bad("ownerId", "ownerId %q is not a user", w.OwnerID)
	}
	if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return bad("url", "url must be an absolute http(s) URL")
	}
	if w.Filter != "" {
		if _, err := core.ParseFilter(w.Filter, "id", "spaceId", "topLevelResourceId", "data.status"); err != nil {
			return bad("filter", "invalid filter: %v", err)
		}
	}
	return checkHeaders(w)
}

// checkHeaders refuses a header name given twice (case-insensitively, across
// headers and encryptedHeaders) and either set over 2048 bytes.
func checkHeaders(w *webhook) *core.Invalid {
	seen := map[string]bool{}
	for field, hs := range map[string]map[string]string{"headers": w.Headers, "encryptedHeaders": w.EncryptedHeaders} {
		size := 0
		for name, v := range hs {
			if name == "" {
				return &core.Invalid{Pointer: "/" + field, Detail: "header names must not be empty"}
			}
			if seen[strings.ToLower(name)] {
				return &core.Invalid{Pointer: "/" + field, Detail: fmt.Sprintf("duplicate header %q", name)}
			}
			seen[strings.ToLower(name)] = true
			size += len(name) + len(v)
		}
		if size > 2048 {
			return &core.Invalid{Pointer: "/" + field, Detail: field + " must be at most 2048 bytes"}
		}
	}
	return nil
}

// render is WebhookResponse: no secret (secretKeyAdded says whether there
// is one) and only the names of the encrypted headers.
func render(r *http.Request, st *core.State, w *webhook) any {
	out := map[string]any{
		"id": w.ID, "name": w.Name, "description": w.Description, "url": w.URL,
		"eventTypes": nonNil(w.EventTypes), "headers": nonNilMap(w.Headers),
		"encryptedHeaders": nonNil(slices.Sorted(maps.Keys(w.EncryptedHeaders))), "secretKeyAdded": w.Secret != "",
		"enabled": w.Enabled, "level": w.Level, "ownerId": w.OwnerID, "origin": w.Origin,
		"checkCertificateRevocation": w.CheckCertificateRevocation, "enableCloudEventDelivery": w.cloudEvents(),
		"createdAt": core.FmtTime(w.CreatedAt), "updatedAt": core.FmtTime(w.UpdatedAt),
		"createdByUserId": w.CreatedBy, "updatedByUserId": w.UpdatedBy,
	}
	if w.Filter != "" {
		out["filter"] = w.Filter
	}
	if w.DisabledReason != "" || w.DisabledReasonCode != "" {
		out["disabledReason"], out["disabledReasonCode"] = w.DisabledReason, w.DisabledReasonCode
	}
	return out
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func routes(s *core.Server, mux *core.RouteMux) {
	resource.Route(s, mux)
	mux.HandleFunc("GET /api/v1/webhooks/event-types", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": eventTypes})
	})
}
