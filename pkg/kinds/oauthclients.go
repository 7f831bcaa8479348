package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// OAuthClients handles OAuth clients: their app type, URIs, origins,
// scopes, grants, auth methods, public keys and connection config. The
// client id is the tenant's: a restored client gets a new id. Client
// secrets are never exported, not even as placeholders: Qlik generates
// them and never shows one twice. A client created by apply gets a new
// secret, which is passed up as Result.Issued for apply to show once.
var OAuthClients = oauthClients{REST[apiOAuthClient, oauthClientSpec]{
	Desc: Desc{
		KindName: "OAuthClient", FolderName: "oauth-clients",
		ListPath: "/api/v1/oauth-clients", Query: limit100(),
		IDField: "clientId", NameField: "clientName",
		Policy: resource.KindPolicy{IDReferencedOutside: "give the new client id (and the new secret apply shows once) to the apps that sign in with it"},
		Coverage: Coverage{
			Exported: "name, app type, description, client and logo URIs, redirect URIs, allowed origins, scopes, grant types, auth methods, JWKS URI and public keys, connection config (consent method)",
			Restored: "created, updated (PATCH; the connection config through its own endpoint), pruned. The client id is the tenant's: a restored client has a **new client id**, so apps and scripts that use the old one must be given the new one",
			Reentry:  "the client secret: Qlik generates a new one when apply creates the client (or turns `client_secret` on), and apply prints it once to the terminal (see below); it is never written anywhere",
			LeftOut:  "client secrets of the exported tenant (Qlik never shows them again); a change of `appType` (immutable); logout URLs (not in Qlik's OAuth clients API)",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, c apiOAuthClient) (resource.Document, bool, error) {
		d, err := toDoc("OAuthClient", c.ClientName, c.ClientID, c.spec())
		return d, true, err
	},
}}

// oauthClients writes with PATCH (Qlik has no PUT for clients), sets the
// connection config through its own endpoint, and deletes with the
// confirmation header Qlik asks for.
type oauthClients struct {
	REST[apiOAuthClient, oauthClientSpec]
}

type apiOAuthClient struct {
	ClientID           string            `json:"clientId"`
	ClientName         string            `json:"clientName"`
	AppType            string            `json:"appType"`
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
	ConnectionConfig   *connectionConfig `json:"connectionConfig"`
	// ClientSecret is in the answer to a create (and to a PATCH that turns
	// client_secret on), and in no read.
	ClientSecret string `json:"clientSecret"`
}

type connectionConfig struct {
	ConsentMethod string `json:"consentMethod"`
}

// oauthClientSpec is an OAuth client as Git holds it. Sets (scopes,
// grants, auth methods, origins) are sorted; redirect URIs keep their
// order.
type oauthClientSpec struct {
	AppType            string            `json:"appType"`
	Description        string            `json:"description,omitempty"`
	ClientURI          string            `json:"clientUri,omitempty"`
	LogoURI            string            `json:"logoUri,omitempty"`
	RedirectURIs       []string          `json:"redirectUris,omitempty"`
	AllowedOrigins     []string          `json:"allowedOrigins,omitempty"`
	AllowedScopes      []string          `json:"allowedScopes,omitempty"`
	AllowedGrantTypes  []string          `json:"allowedGrantTypes,omitempty"`
	AllowedAuthMethods []string          `json:"allowedAuthMethods,omitempty"`
	JwksURI            string            `json:"jwksUri,omitempty"`
	PublicKeys         []json.RawMessage `json:"publicKeys,omitempty"`
	// ConnectionConfig is how users consent to the client in this tenant
	// (required or trusted); absent when the tenant has none for it.
	ConnectionConfig *connectionConfig `json:"connectionConfig,omitempty"`
}

func (c apiOAuthClient) spec() oauthClientSpec {
	s := oauthClientSpec{
		AppType: c.AppType, Description: c.Description, ClientURI: c.ClientURI, LogoURI: c.LogoURI,
		RedirectURIs: c.RedirectURIs, AllowedOrigins: sortedCopy(c.AllowedOrigins),
		AllowedScopes: sortedCopy(c.AllowedScopes), AllowedGrantTypes: sortedCopy(c.AllowedGrantTypes),
		AllowedAuthMethods: sortedCopy(c.AllowedAuthMethods), JwksURI: c.JwksURI, PublicKeys: c.PublicKeys,
	}
	if c.ConnectionConfig != nil && c.ConnectionConfig.ConsentMethod != "" {
		s.ConnectionConfig = c.ConnectionConfig
	}
	return s
}

// oauthClientPatch maps the spec fields a PATCH changes to their paths.
// appType is immutable; the connection config has its own endpoint.
var oauthClientPatch = map[string]string{
	"description": "/description", "clientUri": "/clientUri", "logoUri": "/logoUri",
	"redirectUris": "/redirectUris", "allowedOrigins": "/allowedOrigins", "allowedScopes": "/allowedScopes",
	"allowedGrantTypes": "/allowedGrantTypes", "allowedAuthMethods": "/allowedAuthMethods",
	"jwksUri": "/jwksUri", "publicKeys": "/publicKeys",
}

// clientSecretField names the secret Qlik issues in Result.Issued.
const clientSecretField = "clientSecret"

func (k oauthClients) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[oauthClientSpec](want)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{"clientName": want.Metadata.Name}
	for field := range oauthClientPatch {
		if v, ok := want.Spec[field]; ok {
			body[field] = v
		}
	}
	body["appType"] = s.AppType
	if s.AppType == "web" && len(s.AllowedAuthMethods) == 0 {
		// Qlik gives a web client client_secret unless told otherwise;
		// the document says it has none.
		body["allowedAuthMethods"] = []string{}
	}
	// A create sets the consent method only to trusted; required is the
	// default, and a client without a config has it removed afterwards.
	if s.ConnectionConfig != nil && s.ConnectionConfig.ConsentMethod == "trusted" {
		body["connectionConfig"] = s.ConnectionConfig
	}
	var created apiOAuthClient
	if err := t.API.Do(ctx, http.MethodPost, k.ListPath, body, &created); err != nil {
		return Result{}, err
	}
	res := Result{ID: created.ClientID}
	if created.ClientSecret != "" {
		res.Issued = []IssuedSecret{NewIssuedSecret(clientSecretField, created.ClientSecret)}
	}
	if s.ConnectionConfig == nil {
		err = t.API.Do(ctx, http.MethodDelete, k.itemPath(created.ClientID)+"/connection-configs/me", nil, nil)
	}
	return res, err
}

func (k oauthClients) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[oauthClientSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[oauthClientSpec](have)
	if err != nil {
		return Result{}, err
	}
	if ws.AppType != hs.AppType {
		return Result{}, fmt.Errorf("%s: appType cannot change (%s in the tenant, %s in Git): Qlik makes it immutable", want.Key(), hs.AppType, ws.AppType)
	}
	var res Result
	if ops := clientPatchOps(want, have); len(ops) > 0 {
		var answer apiOAuthClient
		if err := t.API.Do(ctx, http.MethodPatch, k.itemPath(have.Metadata.ID), ops, &answer); err != nil {
			return Result{}, err
		}
		// 202 with a secret: the PATCH turned client_secret on.
		if answer.ClientSecret != "" {
			res.Issued = []IssuedSecret{NewIssuedSecret(clientSecretField, answer.ClientSecret)}
		}
	}
	return res, k.writeConnectionConfig(ctx, t, have.Metadata.ID, ws.ConnectionConfig, hs.ConnectionConfig)
}

// clientPatchOps are the operations that take have's fields to want's:
// a replace for each changed field, a remove for one Git leaves empty.
func clientPatchOps(want, have resource.Document) []patchOp {
	var ops []patchOp
	for field, p := range oauthClientPatch {
		w, ok := want.Spec[field]
		switch {
		case equalJSON(w, have.Spec[field]):
		case !ok:
			ops = append(ops, patchOp{Op: "remove", Path: p})
		default:
			ops = append(ops, patchOp{Op: "replace", Path: p, Value: w})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path < ops[j].Path })
	return ops
}

// writeConnectionConfig sets the client's consent method in this tenant,
// or removes its config when Git has none.
func (k oauthClients) writeConnectionConfig(ctx context.Context, t *Tenant, id string, want, have *connectionConfig) error {
	path := k.itemPath(id) + "/connection-configs/me"
	switch {
	case equalJSON(want, have):
		return nil
	case want == nil:
		return t.API.Do(ctx, http.MethodDelete, path, nil, nil)
	}
	ops := []patchOp{{Op: "replace", Path: "/consentMethod", Value: want.ConsentMethod}}
	return t.API.Do(ctx, http.MethodPatch, path, ops, nil)
}

// Delete sends the confirmation Qlik requires: the client's own id.
func (k oauthClients) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	_, err := t.API.Send(ctx, qlik.Request{Method: http.MethodDelete, Path: k.itemPath(have.Metadata.ID),
		Header: http.Header{"qlik-confirm-delete": {have.Metadata.ID}}}, nil)
	return Result{}, err
}
