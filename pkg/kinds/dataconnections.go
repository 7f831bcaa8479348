package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// DataConnections handles the data connections of shared, managed and data
// spaces. Their identity is space + name. No secret ever leaves the tenant:
// passwords, user names, connection secrets and key=value credentials inside
// connect statements become placeholders, filled from --secrets on apply.
var DataConnections = dataConnections{Desc{
	KindName: "DataConnection", FolderName: "data-connections",
	ListPath: "/api/v1/data-connections", Query: limit100("noDatafiles", "true"), GetEach: true,
	IDField: "qID", NameField: "qName", SpaceField: "space",
	DependsOn: []string{"Space"},
	// Written when supplied; Read sets them only where the connector can
	// hold them (see readDataConnection), so they are not placeholders for
	// every connection.
	Secrets: []SecretField{{Spec: "username", API: "qUsername"}, {Spec: "password", API: "qPassword"}, {Spec: "connectionSecret", API: "qConnectionSecret"}},
	Coverage: Coverage{
		Exported: "name, space, connector type, data source, connect statement, architecture, log-on mode, separate credentials, tags",
		Restored: "created and updated (PUT), pruned",
		Reentry:  "password, user name, connection secret and credentials inside the connect statement (placeholders). The connection secret is written only when the API shows one (single GET); the API never tells whether a user name or password is set, so those are written for every connector type that can hold them",
		LeftOut:  "personal-space connections (they belong to their user); DataFiles connections (Qlik creates them)",
	},
}}

type dataConnections struct{ Desc }

type dataConnectionSpec struct {
	Type                string   `json:"type"`
	Datasource          string   `json:"datasource,omitempty"`
	ConnectStatement    string   `json:"connectStatement"`
	Architecture        int      `json:"architecture,omitempty"`
	LogOn               int      `json:"logOn,omitempty"`
	SeparateCredentials bool     `json:"separateCredentials,omitempty"`
	Tags                []string `json:"tags,omitempty"`
	Username            string   `json:"username,omitempty"`
	Password            string   `json:"password,omitempty"`
	ConnectionSecret    string   `json:"connectionSecret,omitempty"`
}

type apiDataConnection struct {
	ID                  string   `json:"qID"`
	Name                string   `json:"qName"`
	Type                string   `json:"qType"`
	ConnectStatement    string   `json:"qConnectStatement"`
	Architecture        int      `json:"qArchitecture"`
	LogOn               int      `json:"qLogOn"`
	SeparateCredentials bool     `json:"qSeparateCredentials"`
	Space               string   `json:"space"`
	Tags                []string `json:"tags"`
	DatasourceID        string   `json:"datasourceID"`
	ConnectionSecret    string   `json:"qConnectionSecret"`
	User                string   `json:"user"`
	Updated             string   `json:"updated"`
}

func (dataConnections) Refs(d resource.Document) []resource.Ref {
	return []resource.Ref{{Key: resource.Key{Kind: "Space", Name: d.Metadata.Space}, Field: "metadata.space"}}
}

// hasCredentials guesses whether a connection holds a user name and
// password of its own. The API never returns them, so the placeholders are
// written whenever the connector type can hold them.
func hasCredentials(c apiDataConnection) bool {
	t := strings.ToLower(c.Type)
	return !c.SeparateCredentials && !strings.Contains(t, "folder") && !strings.Contains(t, "datafiles")
}

func (dataConnections) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	var conns []apiDataConnection
	q := url.Values{"limit": {"100"}, "noDatafiles": {"true"}}
	if err := t.API.ListAll(ctx, "/api/v1/data-connections", q, decodeInto(&conns)); err != nil {
		return nil, fmt.Errorf("read data connections: %w", err)
	}
	docs := make([]resource.Document, len(conns))
	keep := make([]bool, len(conns))
	err := forEach(ctx, len(conns), func(ctx context.Context, i int) error {
		d, ok, err := readDataConnection(ctx, t, conns[i])
		docs[i], keep[i] = t.Prior.Settle(d), ok
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []resource.Document
	for i, d := range docs {
		if keep[i] {
			out = append(out, d)
		}
	}
	return sorted(out)
}

// readDataConnection normalizes one connection. The list lacks
// qConnectionSecret, so each connection is read once more on its own to
// know whether it has one, unless its updated time has not moved since the
// last snapshot, which then tells.
func readDataConnection(ctx context.Context, t *Tenant, c apiDataConnection) (resource.Document, bool, error) {
	space, ok, err := t.Names.KeyOf(ctx, "Space", c.Space)
	if err != nil {
		return resource.Document{}, false, err
	}
	if !ok {
		t.Warnf("data connection %q is in a personal space (of user %s); personal content is left out", c.Name, c.User)
		return resource.Document{}, false, nil
	}
	var full apiDataConnection
	if prior, ok := t.Prior.Unchanged("DataConnection", c.ID, c.Updated); ok {
		if _, has := prior.Spec["connectionSecret"]; has {
			full.ConnectionSecret = "set"
		}
	} else if err := t.API.Do(ctx, http.MethodGet, "/api/v1/data-connections/"+url.PathEscape(c.ID), nil, &full); err != nil {
		return resource.Document{}, false, fmt.Errorf("read data connection %s/%s: %w", space, c.Name, err)
	}
	base := secrets.Name(DataConnections.FolderName, space, c.Name)
	stmt, _ := secrets.RedactKeyValues(c.ConnectStatement, base+"/connectStatement")
	spec := dataConnectionSpec{
		Type:                c.Type,
		Datasource:          c.DatasourceID,
		ConnectStatement:    stmt,
		Architecture:        c.Architecture,
		LogOn:               c.LogOn,
		SeparateCredentials: c.SeparateCredentials,
		Tags:                sortedCopy(c.Tags),
	}
	if hasCredentials(c) {
		spec.Username = secrets.Placeholder(base + "/username")
		spec.Password = secrets.Placeholder(base + "/password")
	}
	if full.ConnectionSecret != "" {
		spec.ConnectionSecret = secrets.Placeholder(base + "/connectionSecret")
	}
	d, err := toDoc("DataConnection", c.Name, c.ID, spec)
	d.Metadata.Space, d.Metadata.Modified = space, c.Updated
	return d, true, err
}

func (dataConnections) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[dataConnectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: want.Metadata.Space})
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, fmt.Errorf("%s: space %q is not in the tenant", want.Key(), want.Metadata.Space)
	}
	var res Result
	stmt, missing := t.Secrets.Expand(s.ConnectStatement)
	for _, name := range missing {
		// Created where the API allows it, with the value left empty.
		stmt = strings.ReplaceAll(stmt, secrets.Placeholder(name), "")
	}
	res.NeedsReentry = append(res.NeedsReentry, missing...)
	body := map[string]any{
		"qName": want.Metadata.Name, "qType": s.Type, "qConnectStatement": stmt, "space": spaceID,
		"datasourceID": orDefault(s.Datasource, s.Type), "qArchitecture": s.Architecture, "qLogOn": strconv.Itoa(s.LogOn),
		"qSeparateCredentials": s.SeparateCredentials,
	}
	if len(s.Tags) > 0 {
		body["tags"] = s.Tags
	}
	res.NeedsReentry = append(res.NeedsReentry, DataConnections.putSecrets(t, want, body, all)...)
	sort.Strings(res.NeedsReentry)
	return res, t.API.Do(ctx, http.MethodPost, "/api/v1/data-connections", body, nil)
}

func (dataConnections) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	return putDataConnection(ctx, t, want, have, nil)
}

// WriteSecrets writes exactly the named secrets of a connection that is
// otherwise as Git wants it: the other secrets keep the tenant's values.
func (dataConnections) WriteSecrets(ctx context.Context, t *Tenant, want, have resource.Document, names []string) (Result, error) {
	only := map[string]bool{}
	for _, n := range names {
		only[n] = true
	}
	return putDataConnection(ctx, t, want, have, func(name string) bool { return only[name] })
}

// putDataConnection PUTs the wanted connection. write selects the secrets
// to send (nil: every supplied one); a secret not sent keeps the tenant's
// current value.
func putDataConnection(ctx context.Context, t *Tenant, want, have resource.Document, write func(string) bool) (Result, error) {
	full := write == nil
	if full {
		write = func(string) bool { return true }
	}
	s, err := specOf[dataConnectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	spaceID, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: want.Metadata.Space})
	if err != nil || !ok {
		return Result{}, fmt.Errorf("%s: space %q is not in the tenant (%v)", want.Key(), want.Metadata.Space, err)
	}
	id := have.Metadata.ID
	stmt, err := statementForUpdate(ctx, t, id, s.ConnectStatement, write)
	if err != nil {
		return Result{}, err
	}
	body := map[string]any{
		"qID": id, "qEngineObjectID": id, "qName": want.Metadata.Name, "qType": s.Type,
		"qConnectStatement": stmt, "space": spaceID, "datasourceID": orDefault(s.Datasource, s.Type),
		"qArchitecture": s.Architecture, "qLogOn": strconv.Itoa(s.LogOn), "qSeparateCredentials": s.SeparateCredentials,
		"tags": s.Tags,
	}
	// An unresolved secret is left out of the PUT, which keeps the
	// tenant's current value. A connection secret that Git no longer has is
	// cleared (Qlik reads "" as "remove it"), but only by a full update:
	// writing chosen secrets touches nothing else.
	_ = DataConnections.putSecrets(t, want, body, write)
	if full && s.ConnectionSecret == "" {
		if hs, err := specOf[dataConnectionSpec](have); err == nil && hs.ConnectionSecret != "" {
			body["qConnectionSecret"] = ""
		}
	}
	return Result{}, t.API.Do(ctx, http.MethodPut, "/api/v1/data-connections/"+url.PathEscape(id), body, nil)
}

// statementForUpdate fills the placeholders of a connect statement. A
// secret that was not supplied, or that write leaves out, keeps the value
// the tenant has now, read from the live connection.
func statementForUpdate(ctx context.Context, t *Tenant, id, template string, write func(string) bool) (string, error) {
	stmt := template
	var keep []string
	for _, name := range secrets.Names(template) {
		if v, ok := t.Secrets.Lookup(name); ok && write(name) {
			stmt = strings.ReplaceAll(stmt, secrets.Placeholder(name), v)
		} else {
			keep = append(keep, name)
		}
	}
	if len(keep) == 0 {
		return stmt, nil
	}
	var live apiDataConnection
	if err := t.API.Do(ctx, http.MethodGet, "/api/v1/data-connections/"+url.PathEscape(id), nil, &live); err != nil {
		return "", err
	}
	for _, name := range keep {
		key := name[strings.LastIndex(name, "/")+1:]
		val, _ := secrets.ValueOf(live.ConnectStatement, key)
		stmt = strings.ReplaceAll(stmt, secrets.Placeholder(name), val)
	}
	return stmt, nil
}

func (dataConnections) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	return Result{}, t.API.Do(ctx, http.MethodDelete, "/api/v1/data-connections/"+url.PathEscape(have.Metadata.ID), nil, nil)
}
