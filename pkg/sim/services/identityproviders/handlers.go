package identityproviders

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// createBody is IDPPostSchema: CreateOIDCPayload, CreateSAMLPayload or
// CreateJWTAuthPayload, told apart by protocol. active is not in the
// payloads but is in Qlik's own create examples (qlik.dev).
type createBody struct {
	Protocol              string         `json:"protocol"`
	Provider              string         `json:"provider"`
	Description           string         `json:"description"`
	Interactive           *bool          `json:"interactive"`
	Active                *bool          `json:"active"`
	SkipVerify            bool           `json:"skipVerify"`
	ClockToleranceSec     *int           `json:"clockToleranceSec"`
	CreateNewUsersOnLogin *bool          `json:"createNewUsersOnLogin"`
	PostLogoutRedirectURI string         `json:"postLogoutRedirectUri"`
	TenantIDs             []string       `json:"tenantIds"`
	Options               map[string]any `json:"options"`
	PendingOptions        map[string]any `json:"pendingOptions"`
}

// invalid writes a refusal in the service's style.
func invalid(w http.ResponseWriter, r *http.Request, bad *core.Invalid) {
	status := bad.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	core.WriteError(w, r, status, "", bad.Pointer, http.StatusText(status), bad.Detail)
}

func create(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b createBody
		if err := core.DecodeBody(r, &b); err != nil {
			invalid(w, r, &core.Invalid{Detail: "invalid body: " + err.Error()})
			return
		}
		if b.Interactive == nil && b.Protocol != "jwtAuth" {
			invalid(w, r, &core.Invalid{Pointer: "/interactive", Detail: "interactive is required"})
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		st := s.St
		for i, t := range b.TenantIDs {
			if t != st.TenantID {
				invalid(w, r, &core.Invalid{Status: http.StatusForbidden, Pointer: fmt.Sprintf("/tenantIds/%d", i), Detail: "the tenant id does not match the caller's tenant"})
				return
			}
		}
		p := &idp{Protocol: b.Protocol, Provider: b.Provider, Description: b.Description,
			Interactive: b.Interactive != nil && *b.Interactive, ClockToleranceSec: 5, CreateNewUsersOnLogin: true,
			PostLogoutRedirectURI: b.PostLogoutRedirectURI, Options: b.Options, PendingOptions: b.PendingOptions}
		if b.ClockToleranceSec != nil {
			p.ClockToleranceSec = *b.ClockToleranceSec
		}
		if b.CreateNewUsersOnLogin != nil {
			p.CreateNewUsersOnLogin = *b.CreateNewUsersOnLogin
		}
		if p.Interactive && p.Options != nil && !b.SkipVerify {
			invalid(w, r, &core.Invalid{Pointer: "/skipVerify", Detail: "an interactive provider takes options only with skipVerify; send pendingOptions to verify it first"})
			return
		}
		// Usable at once: a non-interactive provider, or an interactive one
		// whose options skip verification. One with only pending options
		// waits for its test.
		p.Active = p.Options != nil
		if b.Active != nil {
			p.Active = *b.Active && p.Options != nil
		}
		if p.PendingOptions != nil {
			p.PendingState = "pending"
		}
		if bad := check(st, p, nil); bad != nil {
			invalid(w, r, bad)
			return
		}
		now := s.Now()
		p.Row = core.Row{CreatedAt: now, UpdatedAt: now, CreatedBy: core.CallerOf(st).ID, UpdatedBy: core.CallerOf(st).ID}
		p.ID = newID(s, st)
		p.Seq = st.NextSeq()
		IDPs.Put(st, p.ID, p)
		syncQlikAccount(st)
		if h := poptsHash(p); h != "" {
			w.Header().Set("QLIK-IDP-POPTS", h)
		}
		core.WriteJSON(w, http.StatusCreated, render(r, st, p))
	}
}

func get(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		if p := resource.Lookup(w, r, s.St); p != nil {
			if h := poptsHash(p); h != "" {
				w.Header().Set("QLIK-IDP-POPTS", h)
			}
			core.WriteJSON(w, http.StatusOK, render(r, s.St, p))
		}
	}
}

// patchOp is one element of IDPPatchSchema.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

func patch(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var ops []patchOp
		if err := core.DecodeBody(r, &ops); err != nil || ops == nil {
			invalid(w, r, &core.Invalid{Detail: "the body must be an array of patch operations"})
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		st := s.St
		old := resource.Lookup(w, r, st)
		if old == nil {
			return
		}
		if old.BuiltIn {
			invalid(w, r, &core.Invalid{Detail: fmt.Sprintf("%s is built in and cannot be changed", old.Description)})
			return
		}
		p, bad := applyOps(old, ops, r.Header.Get("QLIK-IDP-POPTS-MATCH"))
		if bad == nil {
			bad = check(st, p, old)
		}
		if bad != nil {
			invalid(w, r, bad)
			return
		}
		p.UpdatedAt, p.UpdatedBy = s.Now(), core.CallerOf(st).ID
		IDPs.Put(st, p.ID, p)
		syncQlikAccount(st)
		w.WriteHeader(http.StatusNoContent)
	}
}

// applyOps applies the operations to a copy of old. A partial failure is a
// complete one (the spec), so nothing is stored until all are applied.
func applyOps(old *idp, ops []patchOp, poptsMatch string) (*idp, *core.Invalid) {
	b, _ := json.Marshal(old)
	p := new(idp)
	_ = json.Unmarshal(b, p)
	for i, o := range ops {
		at := fmt.Sprintf("/%d", i)
		if o.Op == "promote-options" && p.Protocol != "jwtAuth" {
			if p.PendingOptions == nil {
				return nil, &core.Invalid{Pointer: at + "/op", Detail: "there are no pending options to promote"}
			}
			if poptsMatch == "" || poptsMatch != poptsHash(p) {
				return nil, &core.Invalid{Status: http.StatusPreconditionFailed, Detail: "QLIK-IDP-POPTS-MATCH is missing or does not match the configuration being tested"}
			}
			p.Options, p.PendingOptions, p.PendingState = p.PendingOptions, nil, ""
			continue
		}
		if o.Op != "replace" {
			return nil, &core.Invalid{Pointer: at + "/op", Detail: fmt.Sprintf("op %q is not supported", o.Op)}
		}
		if !slices.Contains(patchPaths[p.Protocol], o.Path) {
			return nil, &core.Invalid{Pointer: at + "/path", Detail: fmt.Sprintf("path %q cannot be patched on a %s provider (one of %s)", o.Path, p.Protocol, strings.Join(patchPaths[p.Protocol], ", "))}
		}
		if bad := replace(p, o.Path, o.Value); bad != nil {
			bad.Pointer = at + "/value"
			return nil, bad
		}
	}
	return p, nil
}

// replace sets one patchable path.
func replace(p *idp, path string, raw json.RawMessage) *core.Invalid {
	var err error
	switch path {
	case "/active":
		err = json.Unmarshal(raw, &p.Active)
		if err == nil && p.Active && p.Options == nil {
			return &core.Invalid{Detail: "a provider whose options are not verified cannot be activated"}
		}
	case "/description":
		err = json.Unmarshal(raw, &p.Description)
	case "/postLogoutRedirectUri":
		err = json.Unmarshal(raw, &p.PostLogoutRedirectURI)
	case "/clockToleranceSec":
		err = json.Unmarshal(raw, &p.ClockToleranceSec)
	case "/meta":
		return nil // not kept
	case "/options", "/pendingOptions":
		var m map[string]any
		if err = json.Unmarshal(raw, &m); err == nil && m == nil {
			return &core.Invalid{Detail: path + " must be an object"}
		}
		if path == "/options" {
			p.Options = m
		} else {
			p.PendingOptions, p.PendingState = m, "pending"
		}
	default: // /options/<field> or /pendingOptions/<field>
		parent, field, _ := strings.Cut(path[1:], "/")
		var v any
		if err = json.Unmarshal(raw, &v); err != nil {
			break
		}
		target := &p.Options
		if parent == "pendingOptions" {
			target, p.PendingState = &p.PendingOptions, "pending"
		}
		if *target == nil {
			*target = map[string]any{}
		}
		(*target)[field] = v
	}
	if err != nil {
		return &core.Invalid{Detail: fmt.Sprintf("invalid value for %s: %v", path, err)}
	}
	return nil
}

// remove deletes a provider, except a built-in one and the active
// interactive one (users signed in through it would lose their way in).
func remove(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		st := s.St
		p := resource.Lookup(w, r, st)
		switch {
		case p == nil:
			return
		case p.BuiltIn:
			invalid(w, r, &core.Invalid{Detail: fmt.Sprintf("%s is built in and cannot be deleted", p.Description)})
			return
		case p.Interactive && p.Active:
			invalid(w, r, &core.Invalid{Detail: "The interactive IdP for the tenant can't be deleted: it is the tenant's active interactive identity provider; deactivate it first"})
			return
		}
		IDPs.Delete(st, p.ID)
		syncQlikAccount(st)
		w.WriteHeader(http.StatusNoContent)
	}
}

// status is IDPsStatus.
func status(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		var meta []any
		count := 0
		for _, p := range IDPs.List(s.St, nil, func(a, b *idp) int { return int(a.Seq - b.Seq) }) {
			meta = append(meta, map[string]any{"active": p.Active, "provider": p.Provider, "interactive": p.Interactive})
			if p.Active && p.Interactive {
				count++
			}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"idps_metadata": meta, "active_interactive_idps_count": count})
	}
}

// meMeta is IDPMeta: the portal links exist only while Qlik Account is the
// interactive provider.
func meMeta(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		out := map[string]any{}
		if activeInteractive(s.St, "") == nil {
			out["userPortalLink"] = "https://account.qlik.com/account"
			out["upgradeSubscriptionLink"] = "https://account.qlik.com/subscriptions"
		}
		core.WriteJSON(w, http.StatusOK, out)
	}
}

// wellKnown is the tenant's IdP configuration metadata.
func wellKnown(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{
			"protocols": []string{"OIDC", "SAML", "jwtAuth"},
			"providers": providersOf,
		})
	}
}
