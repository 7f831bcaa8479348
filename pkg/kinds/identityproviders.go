package kinds

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// IdentityProviders handles the tenant's identity providers: protocol
// (OIDC, SAML, jwtAuth), provider, description, whether it is active and
// interactive, and the protocol's options (claims mapping, client id,
// discovery URL, certificates, public keys) and pending (test) options.
// An OIDC client secret, in options and in pendingOptions, is write-only
// in Qlik's API: it becomes a placeholder, filled from --secrets on apply.
// Certificates and public keys are not secrets and are kept byte for byte.
// Qlik's built-in providers (Qlik Account, local bearer tokens) are in
// every tenant and cannot be changed: they are left out.
//
// Identity providers decide who can sign in at all, so the kind is an
// access kind: a plan touching an active one is dangerous, and apply's
// lock-out guard checks that the provider the caller signed in through
// stays active.
var IdentityProviders = identityProviders{REST[apiIdP, idpSpec]{
	Desc: Desc{
		KindName: "IdentityProvider", FolderName: "identity-providers",
		ListPath: "/api/v1/identity-providers", Query: limit100(),
		// Items have no name: the description is what an admin tells them
		// apart by (see idpName).
		NameField: "description",
		Policy:    resource.KindPolicy{Access: true, Switch: "active"},
		Coverage: Coverage{
			Exported: "OIDC, SAML and jwtAuth providers: protocol, provider, description (its name), active, interactive, clock tolerance, post-logout URI, and the protocol's options and pending options (claims mapping, client id, discovery URL, realm, scope; SAML entity id, sign-on URL, certificates byte for byte; jwtAuth issuer and public key byte for byte)",
			Restored: "created (interactive ones with skipVerify, usable at once), patched where Qlik's PATCH takes the path (OIDC options whole, or claims mapping, realm and discovery URL alone; pending options; active, description), pruned (Qlik refuses the active interactive one); a plan that touches an active one is dangerous and needs `--allow-access-changes`, and one that would deactivate or delete the provider the caller signed in through is refused (lock-out guard)",
			Reentry:  "the OIDC `clientSecret` (options and pendingOptions): a placeholder, from `--secrets`; a SAML provider's live options change only through a validation in the console, and protocol, provider, interactive and a jwtAuth provider's key never change in place (named as not applied)",
			LeftOut:  "Qlik's built-in providers (Qlik Account, local bearer tokens): in every tenant and read-only; SAML signing keys (the tenant's own)",
		},
		Secrets: []SecretField{
			{Spec: "options.clientSecret", API: "options.clientSecret", IfSet: true},
			{Spec: "pendingOptions.clientSecret", API: "pendingOptions.clientSecret", IfSet: true},
		},
	},
	FromAPI: idpFromAPI,
	ToAPI:   idpToAPI,
}}

// identityProviders overrides Update and WriteSecrets: Qlik's PATCH takes
// a different set of paths per protocol, and replaces options whole.
type identityProviders struct {
	REST[apiIdP, idpSpec]
}

type apiIdP struct {
	ID                    string         `json:"id"`
	Protocol              string         `json:"protocol"`
	Provider              string         `json:"provider"`
	Description           string         `json:"description"`
	Active                bool           `json:"active"`
	Interactive           bool           `json:"interactive"`
	ClockToleranceSec     *int           `json:"clockToleranceSec"`
	CreateNewUsersOnLogin *bool          `json:"createNewUsersOnLogin"`
	PostLogoutRedirectURI string         `json:"postLogoutRedirectUri"`
	Options               map[string]any `json:"options"`
	PendingOptions        map[string]any `json:"pendingOptions"`
}

type idpSpec struct {
	Protocol              string         `json:"protocol"`
	Provider              string         `json:"provider"`
	Description           string         `json:"description,omitempty"`
	Active                bool           `json:"active"`
	Interactive           bool           `json:"interactive"`
	ClockToleranceSec     *int           `json:"clockToleranceSec,omitempty"`
	CreateNewUsersOnLogin *bool          `json:"createNewUsersOnLogin,omitempty"`
	PostLogoutRedirectURI string         `json:"postLogoutRedirectUri,omitempty"`
	Options               map[string]any `json:"options,omitempty"`
	PendingOptions        map[string]any `json:"pendingOptions,omitempty"`
}

// idpBuiltIn reports Qlik's own providers, which every tenant has.
func idpBuiltIn(p apiIdP) bool {
	return p.Provider == "qlik" || p.Protocol == "qsefw-local-bearer-token"
}

// idpName is a provider's natural key: its description, or protocol and
// provider when it has none.
func idpName(p apiIdP) string {
	if p.Description != "" {
		return p.Description
	}
	return p.Protocol + " " + p.Provider
}

// idpReadOnly are option fields the tenant sets: SAML signing keys (and
// which is chosen), a decrypting key's creation stamps.
var idpReadOnly = []string{"signingKeys", "signingKeySelectedRefId"}

func idpOptions(o map[string]any) map[string]any {
	if o == nil {
		return nil
	}
	out := make(map[string]any, len(o))
	for k, v := range o {
		if !slices.Contains(idpReadOnly, k) {
			out[k] = v
		}
	}
	if dk, ok := out["decryptingKey"].(map[string]any); ok {
		dk = copyMap(dk)
		delete(dk, "createdAt")
		delete(dk, "createdBy")
		out["decryptingKey"] = dk
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func idpFromAPI(_ context.Context, _ *Tenant, p apiIdP) (resource.Document, bool, error) {
	if idpBuiltIn(p) {
		return resource.Document{}, false, nil
	}
	s := idpSpec{Protocol: p.Protocol, Provider: p.Provider, Description: p.Description, Active: p.Active,
		Interactive: p.Interactive, ClockToleranceSec: p.ClockToleranceSec, PostLogoutRedirectURI: p.PostLogoutRedirectURI,
		Options: idpOptions(p.Options), PendingOptions: idpOptions(p.PendingOptions)}
	if p.Protocol != "jwtAuth" {
		s.CreateNewUsersOnLogin = p.CreateNewUsersOnLogin
	}
	d, err := toDoc("IdentityProvider", idpName(p), p.ID, s)
	return d, true, err
}

// withoutSecret copies options without the client secret's placeholder:
// putSecrets adds the value where one is supplied.
func withoutSecret(o map[string]any) map[string]any {
	if o == nil {
		return nil
	}
	out := copyMap(o)
	delete(out, "clientSecret")
	return out
}

// idpToAPI is a create body (CreateOIDCPayload, CreateSAMLPayload or
// CreateJWTAuthPayload). An interactive provider is created with its
// options and skipVerify, so that it is usable at once, as it was.
func idpToAPI(_ context.Context, _ *Tenant, want resource.Document, s idpSpec) (map[string]any, error) {
	body := map[string]any{"protocol": s.Protocol, "provider": s.Provider, "active": s.Active}
	if s.Description != "" {
		body["description"] = s.Description
	}
	if s.Protocol != "jwtAuth" {
		body["interactive"] = s.Interactive
		if s.Interactive && s.Options != nil {
			body["skipVerify"] = true
		}
	}
	if s.ClockToleranceSec != nil {
		body["clockToleranceSec"] = *s.ClockToleranceSec
	}
	if s.CreateNewUsersOnLogin != nil && s.Protocol != "jwtAuth" {
		body["createNewUsersOnLogin"] = *s.CreateNewUsersOnLogin
	}
	if s.PostLogoutRedirectURI != "" {
		body["postLogoutRedirectUri"] = s.PostLogoutRedirectURI
	}
	if s.Options != nil {
		body["options"] = withoutSecret(s.Options)
	}
	if s.PendingOptions != nil {
		body["pendingOptions"] = withoutSecret(s.PendingOptions)
	}
	return body, nil
}

// idpTopPaths are the top-level spec fields each protocol's PATCH takes.
var idpTopPaths = map[string][]string{
	"OIDC":    {"description", "active", "clockToleranceSec", "postLogoutRedirectUri"},
	"SAML":    {"description", "active", "clockToleranceSec", "postLogoutRedirectUri"},
	"jwtAuth": {"description"},
}

// idpSubPaths are the option fields each protocol's PATCH takes one by one
// (the rest only with the whole object).
var idpSubPaths = map[string]map[string][]string{
	"OIDC": {
		"options":        {"realm", "discoveryUrl", "claimsMapping"},
		"pendingOptions": {"realm", "discoveryUrl", "clientId", "clientSecret", "emailVerifiedAlwaysTrue", "claimsMapping", "idTokenSignatureAlg", "decryptingKey"},
	},
	"SAML": {
		"pendingOptions": {"nameIdFormat", "allowIdpInitiatedLogin", "entityId", "signOnUrl", "metadata", "certificates", "claimsMapping"},
	},
}

// Update patches what Qlik's PATCH can change for the provider's protocol,
// and names the rest in NotApplied: protocol, provider, interactive and
// createNewUsersOnLogin never change; a SAML provider's live options change
// only through pending options and an interactive validation; a jwtAuth
// provider changes only its description.
func (k identityProviders) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	return k.patch(ctx, t, want, have, nil)
}

// WriteSecrets writes exactly the named client secrets: a pending one by
// its own path, a live one with the whole options (Qlik's only path).
func (k identityProviders) WriteSecrets(ctx context.Context, t *Tenant, want, have resource.Document, names []string) (Result, error) {
	return k.patch(ctx, t, want, have, names)
}

// patch builds and sends one PATCH. secretsOnly nil is a full update;
// otherwise only the named secrets are written.
func (k identityProviders) patch(ctx context.Context, t *Tenant, want, have resource.Document, secretsOnly []string) (Result, error) {
	ws, err := specOf[idpSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[idpSpec](have)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var ops []patchOp
	if secretsOnly == nil {
		for _, f := range []string{"protocol", "provider", "interactive", "createNewUsersOnLogin"} {
			if !equalJSON(want.Spec[f], have.Spec[f]) {
				res.NotApplied = append(res.NotApplied, fmt.Sprintf("spec.%s: Qlik does not allow changing it; delete the provider and create it anew", f))
			}
		}
		for _, f := range []string{"description", "active", "clockToleranceSec", "postLogoutRedirectUri"} {
			if equalJSON(want.Spec[f], have.Spec[f]) {
				continue
			}
			if !slices.Contains(idpTopPaths[hs.Protocol], f) {
				res.NotApplied = append(res.NotApplied, fmt.Sprintf("spec.%s: Qlik does not allow changing it on a %s provider", f, hs.Protocol))
				continue
			}
			ops = append(ops, patchOp{Op: "replace", Path: "/" + f, Value: want.Spec[f]})
		}
	}
	for _, o := range []struct {
		field      string
		want, have map[string]any
	}{{"options", ws.Options, hs.Options}, {"pendingOptions", ws.PendingOptions, hs.PendingOptions}} {
		more, na := optionOps(t, hs.Protocol, o.field, o.want, o.have, secretsOnly)
		ops = append(ops, more...)
		res.NotApplied = append(res.NotApplied, na...)
	}
	sort.Strings(res.NotApplied)
	if len(ops) == 0 {
		return res, nil
	}
	return res, t.API.Do(ctx, http.MethodPatch, k.itemPath(have.Metadata.ID), ops, nil)
}

// optionOps are the operations that make one options object (options or
// pendingOptions) of the provider what want says.
func optionOps(t *Tenant, protocol, field string, want, have map[string]any, secretsOnly []string) ([]patchOp, []string) {
	secretName := ""
	if ph, _ := want["clientSecret"].(string); ph != "" {
		secretName, _ = secrets.Only(ph)
	}
	secret, supplied := "", false
	if secretName != "" {
		secret, supplied = t.Secrets.Lookup(secretName)
	}
	if secretsOnly != nil {
		if !supplied || !slices.Contains(secretsOnly, secretName) {
			return nil, nil
		}
		if slices.Contains(idpSubPaths[protocol][field], "clientSecret") {
			return []patchOp{{Op: "replace", Path: "/" + field + "/clientSecret", Value: secret}}, nil
		}
		return []patchOp{{Op: "replace", Path: "/" + field, Value: withSecret(want, secret, true)}}, nil
	}
	var changed []string
	for _, key := range unionKeys(want, have) {
		if key != "clientSecret" && !equalJSON(want[key], have[key]) {
			changed = append(changed, key)
		}
	}
	if len(changed) == 0 && !(want == nil) == !(have == nil) {
		return nil, nil
	}
	sub := idpSubPaths[protocol][field]
	if want != nil && have != nil && allIn(changed, sub) {
		var ops []patchOp
		for _, key := range changed {
			ops = append(ops, patchOp{Op: "replace", Path: "/" + field + "/" + key, Value: want[key]})
		}
		return ops, nil
	}
	if want == nil || !slices.Contains(patchPathsOf(protocol), "/"+field) {
		return nil, []string{fmt.Sprintf("spec.%s (%s): Qlik does not allow changing it on a %s provider%s", field, strings.Join(changed, ", "), protocol, samlHint(protocol, field))}
	}
	if secretName != "" && !supplied {
		return nil, []string{fmt.Sprintf("spec.%s (%s): Qlik replaces %s whole, which would clear the client secret; supply %s to change it", field, strings.Join(changed, ", "), field, secretName)}
	}
	return []patchOp{{Op: "replace", Path: "/" + field, Value: withSecret(want, secret, supplied)}}, nil
}

func samlHint(protocol, field string) string {
	if protocol == "SAML" && field == "options" {
		return " (its live options change only through pending options and a validation in the console)"
	}
	return ""
}

// patchPathsOf are the whole-object option paths a protocol's PATCH takes.
func patchPathsOf(protocol string) []string {
	switch protocol {
	case "OIDC":
		return []string{"/options", "/pendingOptions"}
	case "SAML":
		return []string{"/pendingOptions"}
	}
	return nil
}

func withSecret(opts map[string]any, secret string, supplied bool) map[string]any {
	out := withoutSecret(opts)
	if supplied {
		out["clientSecret"] = secret
	}
	return out
}

func unionKeys(a, b map[string]any) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func allIn(keys, allowed []string) bool {
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return false
		}
	}
	return true
}
