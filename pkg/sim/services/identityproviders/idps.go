package identityproviders

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// idp is one stored identity provider. Options and PendingOptions are kept
// as the client sent them (clientSecret included, in clear: the simulator
// is the tenant), and masked on every answer.
type idp struct {
	core.Row
	Protocol              string         `json:"protocol"`
	Provider              string         `json:"provider"`
	Description           string         `json:"description,omitempty"`
	Active                bool           `json:"active"`
	Interactive           bool           `json:"interactive"`
	BuiltIn               bool           `json:"builtIn,omitempty"`
	ClockToleranceSec     int            `json:"clockToleranceSec"`
	CreateNewUsersOnLogin bool           `json:"createNewUsersOnLogin"`
	PostLogoutRedirectURI string         `json:"postLogoutRedirectUri,omitempty"`
	Options               map[string]any `json:"options,omitempty"`
	PendingOptions        map[string]any `json:"pendingOptions,omitempty"`
	PendingState          string         `json:"pendingState,omitempty"`
	// SignIns are the ids of the users who sign in through the provider.
	SignIns []string `json:"signIns,omitempty"`
}

// IDPs is the identity-providers table.
var IDPs = core.NewTable[idp]("identityProviders")

// secretMask stands for a set clientSecret in every answer.
const secretMask = "********"

// The built-in providers every tenant has, with fixed ids.
const (
	qlikAccountID = "000000000000000000000a01"
	localBearerID = "000000000000000000000a02"
)

// providersOf are the providers each protocol takes (the create payloads'
// enums).
var providersOf = map[string][]string{
	"OIDC":    {"auth0", "okta", "generic", "salesforce", "keycloak", "adfs", "azureAD"},
	"SAML":    {"okta", "generic", "adfs", "azureAD"},
	"jwtAuth": {"external"},
}

// patchPaths are the paths each protocol's PATCH takes (PatchOIDCPayload,
// PatchSAMLPayload, PatchJWTAuthPayload).
var patchPaths = map[string][]string{
	"OIDC": {"/active", "/description", "/meta", "/options", "/options/realm", "/options/discoveryUrl",
		"/options/claimsMapping", "/pendingOptions", "/pendingOptions/realm", "/pendingOptions/discoveryUrl",
		"/pendingOptions/clientId", "/pendingOptions/clientSecret", "/pendingOptions/emailVerifiedAlwaysTrue",
		"/pendingOptions/claimsMapping", "/postLogoutRedirectUri", "/clockToleranceSec",
		"/pendingOptions/idTokenSignatureAlg", "/pendingOptions/decryptingKey"},
	"SAML": {"/active", "/description", "/pendingOptions", "/pendingOptions/nameIdFormat",
		"/pendingOptions/allowIdpInitiatedLogin", "/pendingOptions/entityId", "/pendingOptions/signOnUrl",
		"/pendingOptions/metadata", "/pendingOptions/certificates", "/pendingOptions/claimsMapping",
		"/postLogoutRedirectUri", "/clockToleranceSec"},
	"jwtAuth": {"/description"},
}

// newID is a 24-hex id: random, or in a deterministic simulator derived
// from the sequence, so that providers do not renumber other services' ids.
func newID(s *core.Server, st *core.State) string {
	if !s.Opts.Deterministic {
		return st.NewID(false)
	}
	sum := sha256.Sum256([]byte("identity-provider:" + strconv.FormatInt(st.Seq, 10)))
	return hex.EncodeToString(sum[:12])
}

// initBuiltIns adds Qlik Account and the local bearer-token provider.
func initBuiltIns(s *core.Server, st *core.State) {
	now := s.Now()
	IDPs.Put(st, qlikAccountID, &idp{Row: core.Row{ID: qlikAccountID, Seq: -2, CreatedAt: now, UpdatedAt: now},
		Protocol: "OIDC", Provider: "qlik", Description: "Qlik Account", Active: true, Interactive: true,
		BuiltIn: true, ClockToleranceSec: 5, CreateNewUsersOnLogin: true})
	IDPs.Put(st, localBearerID, &idp{Row: core.Row{ID: localBearerID, Seq: -1, CreatedAt: now, UpdatedAt: now},
		Protocol: "qsefw-local-bearer-token", Provider: "qlik", Description: "Local bearer tokens", Active: true,
		BuiltIn: true, ClockToleranceSec: 5})
}

// activeInteractive is the custom interactive provider that is active,
// other than except; nil when there is none.
func activeInteractive(st *core.State, except string) *idp {
	return IDPs.Find(st, func(p *idp) bool { return !p.BuiltIn && p.Interactive && p.Active && p.ID != except })
}

// syncQlikAccount keeps Qlik Account active exactly while no custom
// interactive provider is.
func syncQlikAccount(st *core.State) {
	if qa := IDPs.Get(st, qlikAccountID); qa != nil {
		qa.Active = activeInteractive(st, "") == nil
	}
}

// signInOf is the provider the user signs in through: the one that records
// it, else the active interactive provider (Qlik Account when no custom one
// is active).
func signInOf(st *core.State, userID string) *idp {
	if p := IDPs.Find(st, func(p *idp) bool { return slices.Contains(p.SignIns, userID) }); p != nil {
		return p
	}
	if p := activeInteractive(st, ""); p != nil {
		return p
	}
	return IDPs.Get(st, qlikAccountID)
}

// masked copies options with a set clientSecret replaced by the mask.
func masked(opts map[string]any) map[string]any {
	if opts == nil {
		return nil
	}
	out := make(map[string]any, len(opts))
	for k, v := range opts {
		out[k] = v
	}
	if s, _ := out["clientSecret"].(string); s != "" {
		out["clientSecret"] = secretMask
	} else {
		delete(out, "clientSecret")
	}
	return out
}

// render is the IDP schema (IDPOIDC, IDPSAML or IDPJWTAuth).
func render(r *http.Request, st *core.State, p *idp) any {
	out := map[string]any{"id": p.ID, "tenantIds": []string{st.TenantID}, "protocol": p.Protocol,
		"provider": p.Provider, "active": p.Active, "interactive": p.Interactive, "meta": map[string]any{},
		"clockToleranceSec": p.ClockToleranceSec, "createNewUsersOnLogin": p.CreateNewUsersOnLogin,
		"created": core.FmtTime(p.CreatedAt), "lastUpdated": core.FmtTime(p.UpdatedAt)}
	if p.Description != "" {
		out["description"] = p.Description
	}
	if p.PostLogoutRedirectURI != "" {
		out["postLogoutRedirectUri"] = p.PostLogoutRedirectURI
	}
	if p.Options != nil {
		out["options"] = masked(p.Options)
	}
	if p.PendingOptions != nil {
		out["pendingOptions"] = masked(p.PendingOptions)
		out["pendingState"] = p.PendingState
	}
	return out
}

// poptsHash is QLIK-IDP-POPTS: a UUID-shaped hash of the pending options.
func poptsHash(p *idp) string {
	if p.PendingOptions == nil {
		return ""
	}
	b, _ := json.Marshal(p.PendingOptions)
	sum := sha256.Sum256(append([]byte(p.ID+":"), b...))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// check validates a provider as created or patched; old is nil on create.
func check(st *core.State, p, old *idp) *core.Invalid {
	if !slices.Contains(providersOf[p.Protocol], p.Provider) {
		if _, ok := providersOf[p.Protocol]; !ok {
			return &core.Invalid{Pointer: "/protocol", Detail: fmt.Sprintf("protocol %q is not one of OIDC, SAML, jwtAuth", p.Protocol)}
		}
		return &core.Invalid{Pointer: "/provider", Detail: fmt.Sprintf("provider %q is not valid for protocol %s (one of %v)", p.Provider, p.Protocol, providersOf[p.Protocol])}
	}
	switch {
	case len(p.Description) > 128:
		return &core.Invalid{Pointer: "/description", Detail: "description must be at most 128 characters"}
	case p.ClockToleranceSec < 0 || p.ClockToleranceSec > 7200:
		return &core.Invalid{Pointer: "/clockToleranceSec", Detail: "clockToleranceSec must be between 0 and 7200"}
	case p.Protocol == "SAML" && !p.Interactive:
		return &core.Invalid{Pointer: "/interactive", Detail: "interactive must be true for SAML identity providers"}
	case p.Protocol == "jwtAuth" && p.Interactive:
		return &core.Invalid{Pointer: "/interactive", Detail: "jwtAuth identity providers are not interactive"}
	}
	if bad := checkOptions(p); bad != nil {
		return bad
	}
	if p.Interactive && p.Active {
		if other := activeInteractive(st, p.ID); other != nil {
			return &core.Invalid{Pointer: "/active", Detail: fmt.Sprintf("only one interactive identity provider can be active at a time; deactivate %s (%s) first", other.ID, other.Description)}
		}
	}
	return nil
}

// checkOptions checks what each protocol requires of its options.
func checkOptions(p *idp) *core.Invalid {
	if p.Protocol == "jwtAuth" {
		issuer, _ := p.Options["issuer"].(string)
		keys, _ := p.Options["staticKeys"].([]any)
		if issuer == "" {
			return &core.Invalid{Pointer: "/options/issuer", Detail: "options.issuer is required"}
		}
		if len(keys) != 1 {
			return &core.Invalid{Pointer: "/options/staticKeys", Detail: "options.staticKeys takes exactly 1 key"}
		}
		k, _ := keys[0].(map[string]any)
		if kid, _ := k["kid"].(string); kid == "" {
			return &core.Invalid{Pointer: "/options/staticKeys/0/kid", Detail: "kid is required"}
		}
		if pem, _ := k["pem"].(string); pem == "" {
			return &core.Invalid{Pointer: "/options/staticKeys/0/pem", Detail: "pem is required"}
		}
		return nil
	}
	for _, o := range []struct {
		at   string
		opts map[string]any
	}{{"/options", p.Options}, {"/pendingOptions", p.PendingOptions}} {
		if o.opts == nil {
			continue
		}
		if _, ok := o.opts["claimsMapping"].(map[string]any); !ok {
			return &core.Invalid{Pointer: o.at + "/claimsMapping", Detail: "claimsMapping is required"}
		}
		if p.Protocol == "OIDC" && p.Interactive {
			if id, _ := o.opts["clientId"].(string); id == "" {
				return &core.Invalid{Pointer: o.at + "/clientId", Detail: "clientId is required for an interactive OIDC provider"}
			}
		}
		if p.Protocol == "SAML" {
			certs, _ := o.opts["certificates"].([]any)
			_, meta := o.opts["metadata"].(map[string]any)
			if len(certs) == 0 && !meta {
				return &core.Invalid{Pointer: o.at + "/certificates", Detail: "certificates are required when metadata is not given"}
			}
			if len(certs) > 5 {
				return &core.Invalid{Pointer: o.at + "/certificates", Detail: "at most 5 certificates"}
			}
		}
	}
	if p.Options == nil && p.PendingOptions == nil {
		return &core.Invalid{Pointer: "/options", Detail: "options or pendingOptions is required"}
	}
	return nil
}
