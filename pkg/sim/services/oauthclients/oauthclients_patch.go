package oauthclients

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

var validAppTypes = map[string]bool{"web": true, "native": true, "spa": true, "anonymous-embed": true}

var (
	validGrantTypes  = []string{"client_credentials", "urn:qlik:oauth:user-impersonation"}
	validAuthMethods = []string{"client_secret", "private_key_jwt"}
)

func allowsSecret(c *oauthClient) bool { return slices.Contains(c.AllowedAuthMethods, "client_secret") }

// validate checks a client against the spec's limits and the appType
// rules; it returns the JSON pointer of the first problem and a message.
func validate(c *oauthClient) (string, string) {
	switch {
	case strings.TrimSpace(c.ClientName) == "":
		return "/clientName", "clientName is required"
	case len(c.ClientName) > 512:
		return "/clientName", "clientName is longer than 512 characters"
	case len(c.Description) > 4096:
		return "/description", "description is longer than 4096 characters"
	}
	for ptr, u := range map[string]string{"/clientUri": c.ClientURI, "/logoUri": c.LogoURI, "/jwksUri": c.JwksURI} {
		if u != "" && (len(u) > 2048 || !absoluteURL(u)) {
			return ptr, fmt.Sprintf("%s must be an absolute URL of at most 2048 characters", ptr[1:])
		}
	}
	if p, m := checkList("/redirectUris", c.RedirectURIs, 5, func(v string) bool { return absoluteURL(v) }, "an absolute URL"); m != "" {
		return p, m
	}
	if p, m := checkList("/allowedOrigins", c.AllowedOrigins, 5, isOrigin, "an origin (scheme://host[:port])"); m != "" {
		return p, m
	}
	if p, m := checkList("/allowedScopes", c.AllowedScopes, 0, func(v string) bool { return v != "" }, "a scope name"); m != "" {
		return p, m
	}
	if p, m := checkList("/allowedGrantTypes", c.AllowedGrantTypes, 0, func(v string) bool { return slices.Contains(validGrantTypes, v) }, "client_credentials or urn:qlik:oauth:user-impersonation"); m != "" {
		return p, m
	}
	if p, m := checkList("/allowedAuthMethods", c.AllowedAuthMethods, 0, func(v string) bool { return slices.Contains(validAuthMethods, v) }, "client_secret or private_key_jwt"); m != "" {
		return p, m
	}
	switch {
	case len(c.AllowedOrigins) > 0 && c.AppType != "spa":
		return "/allowedOrigins", "allowedOrigins are only available with the spa appType"
	case len(c.AllowedGrantTypes) > 0 && c.AppType != "web":
		return "/allowedGrantTypes", "allowedGrantTypes are only for use with the web appType"
	case len(c.AllowedAuthMethods) > 0 && c.AppType != "web":
		return "/allowedAuthMethods", "only web clients authenticate: " + c.AppType + " clients are public"
	case slices.Contains(c.AllowedAuthMethods, "private_key_jwt") && len(c.PublicKeys) == 0 && c.JwksURI == "":
		return "/publicKeys", "private_key_jwt needs publicKeys or a jwksUri"
	}
	return "", ""
}

// checkList checks a string list: at most maxItems (0: no limit), unique,
// each at most 256 characters and ok.
func checkList(ptr string, l []string, maxItems int, ok func(string) bool, what string) (string, string) {
	if maxItems > 0 && len(l) > maxItems {
		return ptr, fmt.Sprintf("%s holds %d items; at most %d are allowed", ptr[1:], len(l), maxItems)
	}
	for i, v := range l {
		switch {
		case len(v) > 256:
			return fmt.Sprintf("%s/%d", ptr, i), "longer than 256 characters"
		case !ok(v):
			return fmt.Sprintf("%s/%d", ptr, i), fmt.Sprintf("%q is not %s", v, what)
		case slices.Index(l, v) < i:
			return fmt.Sprintf("%s/%d", ptr, i), fmt.Sprintf("%q is listed twice", v)
		}
	}
	return "", ""
}

// absoluteURL accepts http(s) URLs with a host and the custom-scheme URIs
// of native apps (com.example.app:/callback).
func absoluteURL(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return false
	}
	return u.Host != "" || (u.Scheme != "http" && u.Scheme != "https" && u.Opaque+u.Path != "")
}

func isOrigin(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil
}

// clientPatch is one operation of the spec's OAuthClientUpdate.
type clientPatch struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// applyPatch applies one operation to c; msg says why it cannot be.
func applyPatch(c *oauthClient, op clientPatch) string {
	if op.Op != "add" && op.Op != "remove" && op.Op != "replace" {
		return fmt.Sprintf("unsupported op %q", op.Op)
	}
	strs := map[string]*string{"/clientName": &c.ClientName, "/clientUri": &c.ClientURI,
		"/description": &c.Description, "/logoUri": &c.LogoURI, "/jwksUri": &c.JwksURI}
	lists := map[string]*[]string{"/allowedOrigins": &c.AllowedOrigins, "/redirectUris": &c.RedirectURIs,
		"/allowedScopes": &c.AllowedScopes, "/allowedGrantTypes": &c.AllowedGrantTypes,
		"/allowedAuthMethods": &c.AllowedAuthMethods}
	switch {
	case strs[op.Path] != nil:
		var v string
		if op.Op != "remove" && json.Unmarshal(op.Value, &v) != nil {
			return "value must be a string"
		}
		*strs[op.Path] = v
	case lists[op.Path] != nil:
		if op.Op == "remove" {
			*lists[op.Path] = []string{}
			return ""
		}
		var one string
		var many []string
		switch {
		case json.Unmarshal(op.Value, &many) == nil:
			*lists[op.Path] = many
		case op.Op == "add" && json.Unmarshal(op.Value, &one) == nil:
			*lists[op.Path] = append(slices.Clone(*lists[op.Path]), one)
		default:
			return "value must be an array of strings"
		}
	case op.Path == "/publicKeys":
		var keys []json.RawMessage
		if op.Op != "remove" && json.Unmarshal(op.Value, &keys) != nil {
			return "value must be an array of JWKs"
		}
		c.PublicKeys = keys
	default:
		return fmt.Sprintf("unsupported path %q", op.Path)
	}
	return ""
}

// patchClient applies a JSON Patch all or nothing. When it turns on
// client_secret for a client without a secret, a secret is generated and
// answered once with 202 (spec patchOAuthClient); otherwise 204.
func (s server) patchClient(w http.ResponseWriter, r *http.Request) {
	var ops []clientPatch
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "the body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	if c == nil {
		return
	}
	next := *c
	for i, op := range ops {
		if msg := applyPatch(&next, op); msg != "" {
			core.BadRequest(w, r, fmt.Sprintf("/%d", i), msg)
			return
		}
	}
	if pointer, msg := validate(&next); msg != "" {
		core.BadRequest(w, r, pointer, msg)
		return
	}
	now := s.Now()
	next.UpdatedAt = now
	var secret string
	if allowsSecret(&next) && len(next.Secrets) == 0 {
		secret = addSecret(&next, core.CallerOf(s.St).ID, now).Secret
	}
	*c = next
	if secret != "" {
		core.WriteJSON(w, http.StatusAccepted, map[string]any{"clientSecret": secret})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
