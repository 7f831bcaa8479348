package oauthclients

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// OAuth clients (spec qliksense-oauth-clients-api-openapi.yml). Choices
// where Qlik does not say:
//   - a web client allows client_secret unless it names its auth methods;
//     spa, native and anonymous-embed clients are public: no auth methods,
//     no secret, and their create answer carries clientSecret "" (the spec
//     requires the field);
//   - a secret is 64 hex digits, its hint its last 4;
//   - allowedOrigins are for spa clients only and allowedGrantTypes for web
//     clients only (the spec's descriptions say so); anything else is 400;
//   - every route but the reads needs the TenantAdmin role (403); a caller
//     without it reads the spec's plain OAuthClientReadResponse, without
//     URIs, secrets' hints or auth settings;
//   - the default order is creation order.

// oauthClient is one stored client. Secrets hold the full values (the state
// file is the simulator's own storage); no API read returns them.
type oauthClient struct {
	ID                 string            `json:"clientId"`
	AppType            string            `json:"appType"`
	ClientName         string            `json:"clientName"`
	Description        string            `json:"description,omitempty"`
	ClientURI          string            `json:"clientUri,omitempty"`
	LogoURI            string            `json:"logoUri,omitempty"`
	JwksURI            string            `json:"jwksUri,omitempty"`
	RedirectURIs       []string          `json:"redirectUris"`
	AllowedOrigins     []string          `json:"allowedOrigins"`
	AllowedScopes      []string          `json:"allowedScopes"`
	AllowedGrantTypes  []string          `json:"allowedGrantTypes"`
	AllowedAuthMethods []string          `json:"allowedAuthMethods"`
	PublicKeys         []json.RawMessage `json:"publicKeys,omitempty"`
	ConsentMethod      string            `json:"consentMethod,omitempty"` // "" = no connection config
	OwnerID            string            `json:"ownerId"`
	CreatedByType      string            `json:"createdByType"`
	Secrets            []clientSecret    `json:"secrets"`
	CreatedAt          time.Time         `json:"createdAt"`
	UpdatedAt          time.Time         `json:"updatedAt"`
	PublishedAt        *time.Time        `json:"publishedAt,omitempty"`
	Seq                int64             `json:"seq"`
}

type clientSecret struct {
	Hint      string    `json:"hint"`
	Secret    string    `json:"secret"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
}

// OAuthClients is the OAuth clients table.
var OAuthClients = core.NewTable[oauthClient]("oauthClients")

// maxSecrets is the spec's limit of client secrets at one time.
const maxSecrets = 5

func (s server) routeOAuthClients(mux *core.RouteMux) {
	const base = "/api/v1/oauth-clients"
	mux.HandleFunc("GET "+base, s.listClients)
	mux.HandleFunc("POST "+base, s.createClient)
	mux.HandleFunc("GET "+base+"/{id}", s.getClient)
	mux.HandleFunc("PATCH "+base+"/{id}", s.patchClient)
	mux.HandleFunc("DELETE "+base+"/{id}", s.deleteClient)
	mux.HandleFunc("POST "+base+"/{id}/actions/publish", s.publishClient)
	mux.HandleFunc("POST "+base+"/{id}/client-secrets", s.createSecret)
	mux.HandleFunc("DELETE "+base+"/{id}/client-secrets/{hint}", s.deleteSecret)
	mux.HandleFunc("GET "+base+"/{id}/connection-configs/me", s.getConnectionConfig)
	mux.HandleFunc("PATCH "+base+"/{id}/connection-configs/me", s.patchConnectionConfig)
	mux.HandleFunc("DELETE "+base+"/{id}/connection-configs/me", s.deleteConnectionConfig)
}

func isAdmin(st *core.State) bool { return core.HasRole(st, core.CallerOf(st), "TenantAdmin") }

// requireAdmin writes the 403 unless the caller is a TenantAdmin.
func requireAdmin(w http.ResponseWriter, r *http.Request, st *core.State) bool {
	if isAdmin(st) {
		return true
	}
	core.WriteError(w, r, http.StatusForbidden, "", "", "Forbidden", "managing OAuth clients requires the TenantAdmin role")
	return false
}

// lookup returns the client of {id} or writes the 404.
func lookup(w http.ResponseWriter, r *http.Request, st *core.State) *oauthClient {
	c := OAuthClients.Get(st, r.PathValue("id"))
	if c == nil {
		core.NotFound(w, r, fmt.Sprintf("OAuth client %q not found", r.PathValue("id")))
	}
	return c
}

func list(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// render is the admin view (OAuthClientAdminReadResponse) or, for other
// callers, OAuthClientReadResponse. Neither holds a secret.
func render(st *core.State, c *oauthClient, admin bool) map[string]any {
	m := map[string]any{
		"clientId": c.ID, "appType": c.AppType, "clientName": c.ClientName, "ownerId": c.OwnerID,
		"tenantId": st.TenantID, "createdByType": c.CreatedByType,
		"allowedScopes": list(c.AllowedScopes), "allowedGrantTypes": list(c.AllowedGrantTypes),
		"createdAt": core.FmtTime(c.CreatedAt), "updatedAt": core.FmtTime(c.UpdatedAt),
	}
	for k, v := range map[string]string{"description": c.Description, "clientUri": c.ClientURI, "logoUri": c.LogoURI} {
		if v != "" {
			m[k] = v
		}
	}
	if c.PublishedAt != nil {
		m["publishedAt"] = core.FmtTime(*c.PublishedAt)
	}
	if !admin {
		return m
	}
	m["redirectUris"], m["allowedOrigins"] = list(c.RedirectURIs), list(c.AllowedOrigins)
	m["allowedAuthMethods"] = list(c.AllowedAuthMethods)
	hints := []any{}
	for _, sec := range c.Secrets {
		hints = append(hints, map[string]any{"hint": sec.Hint, "createdAt": core.FmtTime(sec.CreatedAt), "createdBy": sec.CreatedBy})
	}
	m["clientSecrets"] = hints
	if len(c.PublicKeys) > 0 {
		m["publicKeys"] = c.PublicKeys
	}
	if c.JwksURI != "" {
		m["jwksUri"] = c.JwksURI
	}
	if c.ConsentMethod != "" {
		m["connectionConfig"] = map[string]any{"consentMethod": c.ConsentMethod}
	}
	return m
}

var listSorts = []string{"clientId", "clientName", "appType", "tenantId", "createdAt", "updatedAt"}

var listFilters = []string{"clientId", "clientName", "appType", "tenantId", "createdByType"}

func (s server) listClients(w http.ResponseWriter, r *http.Request) {
	pq, ok := core.ParsePaging(w, r, core.IdentityDefaultLimit)
	if !ok {
		return
	}
	field := ""
	if v := r.URL.Query().Get("sort"); v != "" {
		var ok bool
		if field, pq.Desc, ok = core.ParseSignedSort(v, "", listSorts...); !ok {
			core.BadRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", field))
			return
		}
	}
	var filter core.FilterExpr
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if filter, err = core.ParseFilter(f, listFilters...); err != nil {
			core.BadRequest(w, r, "?filter", "invalid filter: "+err.Error())
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	st := s.St
	items := OAuthClients.List(st, func(c *oauthClient) bool {
		return filter == nil || filter.Eval(core.AttrValues(map[string]string{"clientid": c.ID,
			"clientname": c.ClientName, "apptype": c.AppType, "tenantid": st.TenantID, "createdbytype": c.CreatedByType}))
	}, nil)
	admin := isAdmin(st)
	core.WriteIdentityPage(w, r, items, func(c *oauthClient) core.SortKey { return sortKey(st, c, field) }, pq,
		func(c *oauthClient) map[string]any { return render(st, c, admin) })
}

func sortKey(st *core.State, c *oauthClient, field string) core.SortKey {
	switch field {
	case "clientId":
		return core.SortKey{K: c.ID, S: c.Seq}
	case "clientName":
		return core.SortKey{K: strings.ToLower(c.ClientName), S: c.Seq}
	case "appType":
		return core.SortKey{K: c.AppType, S: c.Seq}
	case "tenantId":
		return core.SortKey{K: st.TenantID, S: c.Seq}
	case "createdAt":
		return core.SortKey{K: core.FmtTime(c.CreatedAt), S: c.Seq}
	case "updatedAt":
		return core.SortKey{K: core.FmtTime(c.UpdatedAt), S: c.Seq}
	}
	return core.SeqKey(c.Seq)
}

func (s server) getClient(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := lookup(w, r, s.St); c != nil {
		core.WriteJSON(w, http.StatusOK, render(s.St, c, isAdmin(s.St)))
	}
}

// clientInput is the spec's OAuthClientCreateRequest.
type clientInput struct {
	AppType            string            `json:"appType"`
	ClientName         string            `json:"clientName"`
	Description        string            `json:"description"`
	ClientURI          string            `json:"clientUri"`
	LogoURI            string            `json:"logoUri"`
	JwksURI            string            `json:"jwksUri"`
	RedirectURIs       []string          `json:"redirectUris"`
	AllowedOrigins     []string          `json:"allowedOrigins"`
	AllowedScopes      []string          `json:"allowedScopes"`
	AllowedGrantTypes  []string          `json:"allowedGrantTypes"`
	AllowedAuthMethods []string          `json:"allowedAuthMethods"`
	PublicKeys         []json.RawMessage `json:"publicKeys"`
	ConnectionConfig   *struct {
		ConsentMethod string `json:"consentMethod"`
	} `json:"connectionConfig"`
}

// toClient builds an unsaved client from a create request, with the
// defaults of its appType; msg and pointer say what is wrong.
func (in clientInput) toClient() (c *oauthClient, pointer, msg string) {
	if !validAppTypes[in.AppType] {
		return nil, "/appType", fmt.Sprintf("appType must be web, native, spa or anonymous-embed, got %q", in.AppType)
	}
	c = &oauthClient{AppType: in.AppType, ClientName: in.ClientName, Description: in.Description,
		ClientURI: in.ClientURI, LogoURI: in.LogoURI, JwksURI: in.JwksURI, RedirectURIs: in.RedirectURIs,
		AllowedOrigins: in.AllowedOrigins, AllowedScopes: in.AllowedScopes, AllowedGrantTypes: in.AllowedGrantTypes,
		AllowedAuthMethods: in.AllowedAuthMethods, PublicKeys: in.PublicKeys, ConsentMethod: "required"}
	if in.AppType == "web" && in.AllowedAuthMethods == nil {
		c.AllowedAuthMethods = []string{"client_secret"}
	}
	if cc := in.ConnectionConfig; cc != nil && cc.ConsentMethod != "" {
		if cc.ConsentMethod != "trusted" {
			return nil, "/connectionConfig/consentMethod", `consentMethod on create may only be "trusted"`
		}
		c.ConsentMethod = cc.ConsentMethod
	}
	if pointer, msg := validate(c); msg != "" {
		return nil, pointer, msg
	}
	return c, "", ""
}

func (s server) createClient(w http.ResponseWriter, r *http.Request) {
	var in clientInput
	if err := core.DecodeBody(r, &in); err != nil {
		core.BadRequest(w, r, "", "invalid JSON body: "+err.Error())
		return
	}
	c, pointer, msg := in.toClient()
	if msg != "" {
		core.BadRequest(w, r, pointer, msg)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	secret := s.insertClient(s.St, c, core.CallerOf(s.St).ID)
	body := render(s.St, c, true)
	body["clientSecret"] = secret // returned this once; no read returns it
	core.WriteJSON(w, http.StatusCreated, body)
}

// insertClient stores a new client owned by ownerID. A client that allows
// client_secret gets one generated secret; a seed passes its own (and
// creates the client with Secrets already set). It returns the generated
// secret ("" for a public client or a seed's).
func (s server) insertClient(st *core.State, c *oauthClient, ownerID string) string {
	now := s.Now()
	c.ID = strings.ReplaceAll(s.UUIDFrom(st, 0x200), "-", "")
	c.OwnerID, c.CreatedByType, c.CreatedAt, c.UpdatedAt, c.Seq = ownerID, "user", now, now, st.NextSeq()
	var secret string
	if c.Secrets == nil {
		c.Secrets = []clientSecret{}
		if allowsSecret(c) {
			secret = addSecret(c, ownerID, now).Secret
		}
	}
	OAuthClients.Put(st, c.ID, c)
	return secret
}

func (s server) deleteClient(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if !requireAdmin(w, r, s.St) {
		return
	}
	c := lookup(w, r, s.St)
	if c == nil {
		return
	}
	if got := r.Header.Get("qlik-confirm-delete"); got != c.ID {
		core.BadRequest(w, r, "", fmt.Sprintf("the qlik-confirm-delete header must be the client id %q, got %q", c.ID, got))
		return
	}
	OAuthClients.Delete(s.St, c.ID)
	w.WriteHeader(http.StatusNoContent)
}
