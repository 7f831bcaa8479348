package kinds

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// AutomationConnections handles the connections automations use to reach
// other services. The connector and the parameter names are exported; every
// parameter value is a placeholder, because connectors keep API keys and
// passwords there. OAuth-based connections need an interactive sign-in
// after a restore, which no API can do.
var AutomationConnections = automationConnections{Desc{
	KindName: "AutomationConnection", FolderName: "automation-connections",
	ListPath: "/api/v1/automation-connections", Query: limit100("listAll", "true"), GetEach: true,
	SpaceField: "spaceId",
	DependsOn:  []string{"User", "Space"},
	// After the other kinds of wave 3: restores have always written
	// automation connections after data connections and glossaries, and
	// export summaries, the Qlikops-Kinds trailer and saved plans show
	// that order.
	After: []string{"DataConnection", "Glossary"},
	Coverage: Coverage{
		Exported: "name, space, connector, owner, parameter names",
		Restored: "created (values from secrets), renamed, owner changed, pruned (refused while in use)",
		Reentry:  "every parameter value (the API does not say which parameters are secret, and hides the values of password fields); OAuth sign-ins",
		LeftOut:  "-",
	},
}}

type automationConnections struct{ Desc }

type automationConnectionSpec struct {
	Connector string       `json:"connector"`
	Owner     string       `json:"owner,omitempty"`
	Params    []namedValue `json:"params,omitempty"`
}

type namedValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type apiAutomationConnection struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ConnectorID string `json:"connectorId"`
	OwnerID     string `json:"ownerId"`
	SpaceID     string `json:"spaceId"`
	Params      []struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"params"`
}

func (automationConnections) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[automationConnectionSpec](d)
	if err != nil {
		return nil
	}
	return ownerAndSpaceRefs(s.Owner, d.Metadata.Space)
}

func paramSecret(space, name, param string) string {
	if space == "" {
		space = "personal"
	}
	return secrets.Name("automation-connections", space, name, param)
}

func (automationConnections) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	var list []apiAutomationConnection
	q := url.Values{"limit": {"100"}, "listAll": {"true"}}
	if err := t.API.ListAll(ctx, "/api/v1/automation-connections", q, decodeInto(&list)); err != nil {
		return nil, fmt.Errorf("read automation connections: %w", err)
	}
	docs := make([]resource.Document, len(list))
	err := forEach(ctx, len(list), func(ctx context.Context, i int) error {
		var full apiAutomationConnection
		if err := t.API.Do(ctx, http.MethodGet, "/api/v1/automation-connections/"+url.PathEscape(list[i].ID), nil, &full); err != nil {
			return fmt.Errorf("read automation connection %q: %w", list[i].Name, err)
		}
		d, err := normalizeAutomationConnection(ctx, t, full)
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

func normalizeAutomationConnection(ctx context.Context, t *Tenant, c apiAutomationConnection) (resource.Document, error) {
	space, _, err := t.Names.KeyOf(ctx, "Space", c.SpaceID)
	if err != nil {
		return resource.Document{}, err
	}
	spec := automationConnectionSpec{Connector: c.ConnectorID}
	if owner, ok, err := t.Names.KeyOf(ctx, "User", c.OwnerID); err != nil {
		return resource.Document{}, err
	} else if ok {
		spec.Owner = resource.UserRef(owner)
	}
	for _, p := range c.Params {
		spec.Params = append(spec.Params, namedValue{Name: p.Name, Value: secrets.Placeholder(paramSecret(space, c.Name, p.Name))})
	}
	sort.Slice(spec.Params, func(i, j int) bool { return spec.Params[i].Name < spec.Params[j].Name })
	d, err := toDoc("AutomationConnection", c.Name, c.ID, spec)
	d.Metadata.Space = space
	return d, err
}

// resolvedParams returns the parameters whose values are supplied, and the
// placeholders that are not.
func resolvedParams(t *Tenant, params []namedValue) (map[string]string, []string) {
	values := map[string]string{}
	var missing []string
	for _, p := range params {
		v, miss := t.Secrets.Expand(p.Value)
		if len(miss) > 0 {
			missing = append(missing, miss...)
			continue
		}
		values[p.Name] = v
	}
	sort.Strings(missing)
	return values, missing
}

func (automationConnections) Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error) {
	s, err := specOf[automationConnectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	values, missing := resolvedParams(t, s.Params)
	params := []map[string]string{}
	for _, p := range s.Params {
		// An unsupplied value is created empty, so the parameter exists and
		// can be filled in the hub.
		params = append(params, map[string]string{"name": p.Name, "value": values[p.Name]})
	}
	body := map[string]any{"connectorId": s.Connector, "name": want.Metadata.Name, "params": params}
	if want.Metadata.Space != "" {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "Space", Name: want.Metadata.Space})
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, fmt.Errorf("%s: space %q is not in the tenant", want.Key(), want.Metadata.Space)
		}
		body["spaceId"] = id
	}
	var created apiAutomationConnection
	if err := t.API.Do(ctx, http.MethodPost, "/api/v1/automation-connections", body, &created); err != nil {
		return Result{}, err
	}
	res := Result{NeedsReentry: missing}
	more, err := changeConnectionOwner(ctx, t, created, s.Owner)
	res.Unresolved = more
	return res, err
}

func (automationConnections) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if unchanged(want, have) {
		return Result{}, nil
	}
	s, err := specOf[automationConnectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	id := have.Metadata.ID
	var live apiAutomationConnection
	if err := t.API.Do(ctx, http.MethodGet, "/api/v1/automation-connections/"+url.PathEscape(id), nil, &live); err != nil {
		return Result{}, err
	}
	// Only supplied values are sent; the others keep the tenant's value.
	values, _ := resolvedParams(t, s.Params)
	params := []map[string]string{}
	for _, p := range live.Params {
		if v, ok := values[p.Name]; ok {
			params = append(params, map[string]string{"id": p.ID, "value": v})
		}
	}
	if want.Metadata.Name != live.Name || len(params) > 0 {
		body := map[string]any{"name": want.Metadata.Name, "params": params}
		if err := t.API.Do(ctx, http.MethodPut, "/api/v1/automation-connections/"+url.PathEscape(id), body, nil); err != nil {
			return Result{}, err
		}
	}
	var res Result
	if s.Connector != live.ConnectorID {
		res.NotApplied = append(res.NotApplied, "connector: fixed when the connection is created")
	}
	res.NotApplied = append(res.NotApplied, paramSetChanges(s.Params, live)...)
	res.Unresolved, err = changeConnectionOwner(ctx, t, live, s.Owner)
	return res, err
}

// WriteSecrets sends exactly the named parameter values; every other
// parameter, the name and the owner stay as they are.
func (automationConnections) WriteSecrets(ctx context.Context, t *Tenant, want, have resource.Document, names []string) (Result, error) {
	s, err := specOf[automationConnectionSpec](want)
	if err != nil {
		return Result{}, err
	}
	only := map[string]bool{}
	for _, n := range names {
		only[n] = true
	}
	var chosen []namedValue
	for _, p := range s.Params {
		if n, ok := secrets.Only(p.Value); ok && only[n] {
			chosen = append(chosen, p)
		}
	}
	values, missing := resolvedParams(t, chosen)
	if len(missing) > 0 {
		return Result{}, fmt.Errorf("%s: secrets not supplied: %v", want.Key(), missing)
	}
	id := have.Metadata.ID
	var live apiAutomationConnection
	if err := t.API.Do(ctx, http.MethodGet, "/api/v1/automation-connections/"+url.PathEscape(id), nil, &live); err != nil {
		return Result{}, err
	}
	params := []map[string]string{}
	for _, p := range live.Params {
		if v, ok := values[p.Name]; ok {
			params = append(params, map[string]string{"id": p.ID, "value": v})
		}
	}
	if len(params) == 0 {
		return Result{}, nil
	}
	body := map[string]any{"params": params}
	return Result{}, t.API.Do(ctx, http.MethodPut, "/api/v1/automation-connections/"+url.PathEscape(id), body, nil)
}

func changeConnectionOwner(ctx context.Context, t *Tenant, c apiAutomationConnection, owner string) ([]string, error) {
	ref, ok := resource.ParseUserRef(owner)
	if !ok {
		return nil, nil
	}
	userID, found, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: ref})
	if err != nil || userID == c.OwnerID {
		return nil, err
	}
	if !found {
		return []string{owner + " (owner)"}, nil
	}
	path := "/api/v1/automation-connections/" + url.PathEscape(c.ID) + "/actions/change-owner"
	return nil, t.API.Do(ctx, http.MethodPost, path, map[string]any{"userId": userID}, nil)
}

func (automationConnections) Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error) {
	// Not forced: Qlik refuses while automations still use the connection,
	// and that refusal is the right outcome for a prune.
	path := "/api/v1/automation-connections/" + url.PathEscape(have.Metadata.ID) + "?forced=false"
	return Result{}, t.API.Do(ctx, http.MethodDelete, path, nil, nil)
}

// paramSetChanges names parameters Git adds or drops: the connector defines
// which parameters a connection has, so only their values can change.
func paramSetChanges(want []namedValue, live apiAutomationConnection) []string {
	have := map[string]bool{}
	for _, p := range live.Params {
		have[p.Name] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range want {
		seen[p.Name] = true
		if !have[p.Name] {
			out = append(out, "parameter "+p.Name+": the connector has no such parameter")
		}
	}
	for _, p := range live.Params {
		if !seen[p.Name] {
			out = append(out, "parameter "+p.Name+": the connector defines it; it cannot be removed")
		}
	}
	sort.Strings(out)
	return out
}
