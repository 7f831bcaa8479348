package automations

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// automationConnection is a connection made from an automation connector.
// Param values are stored in full (the state file is the simulator's own
// storage); values of secret params never leave through the API.
type automationConnection struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ConnectorID string    `json:"connectorId"`
	SpaceID     string    `json:"spaceId"` // "" = personal
	OwnerID     string    `json:"ownerId"`
	Params      []acParam `json:"params"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Seq         int64     `json:"seq"`
}

type acParam struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Value      string `json:"value"`
	FieldType  string `json:"fieldType"`
	IsOptional bool   `json:"isOptional"`
	Order      int    `json:"order"`
}

// acSecretFieldTypes are the param field types whose value GET never
// returns. Qlik's spec does not say whether it masks secrets; the simulator
// omits the value of such params (documented choice).
var acSecretFieldTypes = map[string]bool{"password": true, "secret": true}

// acFieldTypeFor guesses a field type from a param name when the creator
// does not give one (the real service takes it from the connector catalogue).
func acFieldTypeFor(name string) string {
	n := strings.ToLower(name)
	for _, w := range []string{"password", "secret", "token", "apikey", "api_key", "privatekey", "private_key"} {
		if strings.Contains(n, w) {
			return "password"
		}
	}
	return "string"
}

// giveTo changes the owner; unlike an automation's, a connection's
// updatedAt moves even when the owner stays.
func (c *automationConnection) giveTo(userID string, now func() time.Time) {
	c.OwnerID = userID
	c.UpdatedAt = now()
}

func (c *automationConnection) moveTo(spaceID string, now func() time.Time) {
	c.SpaceID = spaceID
	c.UpdatedAt = now()
}

func (c *automationConnection) connected() bool {
	for _, p := range c.Params {
		if !p.IsOptional && p.Value == "" {
			return false
		}
	}
	return true
}

func (s server) routeAutomationConnections(mux *core.RouteMux) {
	for _, base := range []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"} {
		mux.HandleFunc("GET "+base, s.listAutomationConnections)
		mux.HandleFunc("POST "+base, s.createAutomationConnection)
		mux.HandleFunc("GET "+base+"/{id}", s.getAutomationConnection)
		mux.HandleFunc("PUT "+base+"/{id}", s.putAutomationConnection)
		mux.HandleFunc("DELETE "+base+"/{id}", s.deleteAutomationConnection)
		mux.HandleFunc("POST "+base+"/{id}/actions/change-owner", s.autoChangeOwner(s.findAutomationConnection, false))
		mux.HandleFunc("POST "+base+"/{id}/actions/change-space", s.autoChangeSpace(s.findAutomationConnection))
		mux.HandleFunc("POST "+base+"/{id}/actions/check", s.acCheck)
	}
}

// routeSimAutomationConnections serves the test-only secrets view on the
// root mux (no auth, not counted): GET /_sim/automation-connections/{id}/secrets
// returns {"params":{name: value}} with every stored value.
func (s server) routeSimAutomationConnections(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/automation-connections/{id}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		c := s.lookupAutomationConnection(w, r)
		if c == nil {
			return
		}
		params := map[string]string{}
		for _, p := range c.Params {
			params[p.Name] = p.Value
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"params": params})
	})
}

func (s server) renderAutomationConnection(c *automationConnection, detail bool) map[string]any {
	out := map[string]any{
		"id": c.ID, "name": c.Name, "connectorId": c.ConnectorID, "ownerId": c.OwnerID,
		"isConnected": c.connected(), "createdAt": core.FmtMicro(c.CreatedAt), "updatedAt": core.FmtMicro(c.UpdatedAt),
	}
	if c.SpaceID != "" {
		out["spaceId"] = c.SpaceID
	}
	if detail {
		params := make([]map[string]any, 0, len(c.Params))
		for _, p := range c.Params {
			m := map[string]any{"id": p.ID, "name": p.Name, "fieldType": p.FieldType,
				"isOptional": p.IsOptional, "order": p.Order, "meta": []any{}, "paramOptions": []any{},
				"documentation": "", "exampleValue": ""}
			if !acSecretFieldTypes[p.FieldType] {
				m["value"] = p.Value
			}
			params = append(params, m)
		}
		out["params"] = params
	}
	return out
}

var automationConnectionList = autoList([]string{"name", "connectorId", "ownerId", "spaceId"},
	"id", "name", "createdAt", "updatedAt")

func (s server) listAutomationConnections(w http.ResponseWriter, r *http.Request) {
	cq, msg := automationConnectionList.Parse(r)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	caller := core.CallerOf(s.St)
	// listAll (default false) lists every connection; without it a user sees
	// their own connections and those in spaces (guess at "has access to").
	listAll := core.QueryBool(r, "listAll", false)
	if listAll && !isAutomationAdmin(s.St, caller) {
		autoError(w, r, http.StatusForbidden, "listAll is restricted to tenant admins and analytics admins")
		return
	}
	var items []*automationConnection
	for _, c := range AutomationConnections.In(s.St) {
		if !listAll && c.OwnerID != caller.ID && c.SpaceID == "" {
			continue
		}
		if cq.Keep(map[string]string{"name": c.Name, "connectorid": c.ConnectorID, "ownerid": c.OwnerID,
			"spaceid": c.SpaceID}) {
			items = append(items, c)
		}
	}
	writeAutoList(w, r, items, func(c *automationConnection) core.SortKey {
		switch cq.Sort {
		case "name":
			return core.SortKey{K: strings.ToLower(c.Name), S: c.Seq}
		case "createdAt":
			return core.SortKey{K: core.FmtMicro(c.CreatedAt), S: c.Seq}
		case "updatedAt":
			return core.SortKey{K: core.FmtMicro(c.UpdatedAt), S: c.Seq}
		}
		return core.SeqKey(c.Seq)
	}, cq.Page, func(c *automationConnection) map[string]any { return s.renderAutomationConnection(c, false) })
}

type acParamIn struct {
	ID        string  `json:"id,omitempty"`
	Name      string  `json:"name,omitempty"`
	Value     *string `json:"value,omitempty"`
	FieldType string  `json:"fieldType,omitempty"`
}

// buildParams turns create params into stored params. fieldType comes from
// the seed or is guessed from the name.
func (s server) buildParams(st *core.State, in []acParamIn) ([]acParam, string) {
	out := []acParam{}
	seen := map[string]bool{}
	for i, p := range in {
		if strings.TrimSpace(p.Name) == "" {
			return nil, fmt.Sprintf("params[%d].name is required", i)
		}
		if seen[p.Name] {
			return nil, fmt.Sprintf("params[%d]: duplicate param %q", i, p.Name)
		}
		seen[p.Name] = true
		ft := p.FieldType
		if ft == "" {
			ft = acFieldTypeFor(p.Name)
		}
		out = append(out, acParam{ID: s.NewUUID(st), Name: p.Name, Value: core.Deref(p.Value), FieldType: ft, Order: i + 1})
	}
	return out, ""
}

func (s server) createAutomationConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ConnectorID string      `json:"connectorId"`
		Name        string      `json:"name"`
		SpaceID     string      `json:"spaceId"`
		Params      []acParamIn `json:"params"`
	}
	if err := core.DecodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if strings.TrimSpace(in.ConnectorID) == "" {
		autoError(w, r, http.StatusBadRequest, "connectorId is required")
		return
	}
	for i, p := range in.Params {
		if p.ID != "" || p.FieldType != "" {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("params[%d] takes only name and value", i))
			return
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if in.SpaceID != "" && core.Spaces.In(s.St)[in.SpaceID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", in.SpaceID))
		return
	}
	params, msg := s.buildParams(s.St, in.Params)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	name := in.Name
	if strings.TrimSpace(name) == "" {
		name = "connection"
	}
	c := &automationConnection{Name: name, ConnectorID: in.ConnectorID, SpaceID: in.SpaceID, Params: params}
	s.insertAutomationConnection(s.St, c, core.CallerOf(s.St).ID)
	core.WriteJSON(w, http.StatusCreated, s.renderAutomationConnection(c, true))
}

func (s server) insertAutomationConnection(st *core.State, c *automationConnection, ownerID string) {
	c.ID = s.NewUUID(st)
	now := s.Now()
	c.OwnerID, c.CreatedAt, c.UpdatedAt, c.Seq = ownerID, now, now, st.NextSeq()
	AutomationConnections.In(st)[c.ID] = c
}

func (s server) lookupAutomationConnection(w http.ResponseWriter, r *http.Request) *automationConnection {
	return autoLookup(w, r, AutomationConnections.In(s.St), "automation connection")
}

// findAutomationConnection is lookupAutomationConnection for the shared
// actions, with an untyped nil (see findAutomation).
func (s server) findAutomationConnection(w http.ResponseWriter, r *http.Request) autoResource {
	if c := s.lookupAutomationConnection(w, r); c != nil {
		return c
	}
	return nil
}

func (s server) getAutomationConnection(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := s.lookupAutomationConnection(w, r); c != nil {
		core.WriteJSON(w, http.StatusOK, s.renderAutomationConnection(c, true))
	}
}

// putAutomationConnection renames and/or sets param values by param id.
// Params not named keep their values.
func (s server) putAutomationConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   *string     `json:"name"`
		Params []acParamIn `json:"params"`
	}
	if err := core.DecodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		autoError(w, r, http.StatusBadRequest, "name must not be empty")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.lookupAutomationConnection(w, r)
	if c == nil {
		return
	}
	idx := map[string]int{}
	for i, p := range c.Params {
		idx[p.ID] = i
	}
	for i, p := range in.Params {
		if _, ok := idx[p.ID]; !ok {
			autoError(w, r, http.StatusBadRequest, fmt.Sprintf("params[%d].id %q is not a param of this connection", i, p.ID))
			return
		}
	}
	for _, p := range in.Params {
		if p.Value != nil {
			c.Params[idx[p.ID]].Value = *p.Value
		}
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	c.UpdatedAt = s.Now()
	core.WriteJSON(w, http.StatusOK, s.renderAutomationConnection(c, true))
}

// usedBy returns the automations whose workspace mentions the connection id.
func automationsUsingConnection(st *core.State, id string) []string {
	var names []string
	for _, a := range Automations.In(st) {
		if bytes.Contains(a.Workspace, []byte(`"`+id+`"`)) {
			names = append(names, a.Name)
		}
	}
	return names
}

func (s server) deleteAutomationConnection(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.lookupAutomationConnection(w, r)
	if c == nil {
		return
	}
	if users := automationsUsingConnection(s.St, c.ID); len(users) > 0 && !core.QueryBool(r, "forced", false) {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("the connection is used by automations %q; delete with forced=true", users))
		return
	}
	delete(AutomationConnections.In(s.St), c.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s server) acCheck(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := s.lookupAutomationConnection(w, r); c != nil {
		ok := c.connected()
		core.WriteJSON(w, http.StatusOK, map[string]any{"connected": ok, "is_connected": ok})
	}
}

// AutomationConnections is the automation-connections table.
var AutomationConnections = core.NewTable[automationConnection]("automationConnections")
