package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
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

func (c *automationConnection) connected() bool {
	for _, p := range c.Params {
		if !p.IsOptional && p.Value == "" {
			return false
		}
	}
	return true
}

func (s *Server) routeAutomationConnections(mux *routeMux) {
	for _, base := range []string{"/api/v1/automation-connections", "/api/workflows/automation-connections"} {
		mux.HandleFunc("GET "+base, s.listAutomationConnections)
		mux.HandleFunc("POST "+base, s.createAutomationConnection)
		mux.HandleFunc("GET "+base+"/{id}", s.getAutomationConnection)
		mux.HandleFunc("PUT "+base+"/{id}", s.putAutomationConnection)
		mux.HandleFunc("DELETE "+base+"/{id}", s.deleteAutomationConnection)
		mux.HandleFunc("POST "+base+"/{id}/actions/change-owner", s.acChangeOwner)
		mux.HandleFunc("POST "+base+"/{id}/actions/change-space", s.acChangeSpace)
		mux.HandleFunc("POST "+base+"/{id}/actions/check", s.acCheck)
	}
}

// routeSimAutomationConnections serves the test-only secrets view on the
// root mux (no auth, not counted): GET /_sim/automation-connections/{id}/secrets
// returns {"params":{name: value}} with every stored value.
func (s *Server) routeSimAutomationConnections(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/automation-connections/{id}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.st.AutomationConnections[strings.ToLower(r.PathValue("id"))]
		if c == nil {
			autoError(w, r, http.StatusNotFound, "automation connection not found")
			return
		}
		params := map[string]string{}
		for _, p := range c.Params {
			params[p.Name] = p.Value
		}
		writeJSON(w, http.StatusOK, map[string]any{"params": params})
	})
}

func (s *Server) renderAutomationConnection(c *automationConnection, detail bool) map[string]any {
	out := map[string]any{
		"id": c.ID, "name": c.Name, "connectorId": c.ConnectorID, "ownerId": c.OwnerID,
		"isConnected": c.connected(), "createdAt": fmtMicro(c.CreatedAt), "updatedAt": fmtMicro(c.UpdatedAt),
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

func (s *Server) listAutomationConnections(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, msg := parseLimitIn(r, autoDefaultLimit, autoMaxLimit)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	field, desc, ok := parseSignedSort(q.Get("sort"), "id", "id", "name", "createdAt", "updatedAt")
	if !ok {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("unsupported sort field %q", field))
		return
	}
	pq := pageQuery{limit: limit, desc: desc}
	if !readDirCursor(&pq, q.Get("cursor")) {
		autoError(w, r, http.StatusBadRequest, "invalid cursor")
		return
	}
	var filter filterExpr
	if f := q.Get("filter"); f != "" {
		var err error
		if filter, err = parseFilter(f, "name", "connectorId", "ownerId", "spaceId"); err != nil {
			autoError(w, r, http.StatusBadRequest, "invalid filter: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := s.caller(s.st)
	// listAll (default false) lists every connection; without it a user sees
	// their own connections and those in spaces (guess at "has access to").
	listAll := queryBool(r, "listAll", false)
	if listAll && !s.st.hasRole(caller, "TenantAdmin") && !s.st.hasRole(caller, "AnalyticsAdmin") {
		autoError(w, r, http.StatusForbidden, "listAll is restricted to tenant admins and analytics admins")
		return
	}
	var items []*automationConnection
	for _, c := range s.st.AutomationConnections {
		if !listAll && c.OwnerID != caller.ID && c.SpaceID == "" {
			continue
		}
		if filter != nil && !filter.eval(func(attr string) []string {
			switch attr {
			case "name":
				return []string{c.Name}
			case "connectorid":
				return []string{c.ConnectorID}
			case "ownerid":
				return []string{c.OwnerID}
			case "spaceid":
				return []string{c.SpaceID}
			}
			return nil
		}) {
			continue
		}
		items = append(items, c)
	}
	page, err := paginate(items, func(c *automationConnection) sortKey {
		switch field {
		case "name":
			return sortKey{K: strings.ToLower(c.Name), S: c.Seq}
		case "createdAt":
			return sortKey{K: fmtMicro(c.CreatedAt), S: c.Seq}
		case "updatedAt":
			return sortKey{K: fmtMicro(c.UpdatedAt), S: c.Seq}
		}
		return seqKey(c.Seq)
	}, pq)
	if err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid cursor")
		return
	}
	data := make([]map[string]any, 0, len(page.items))
	for _, c := range page.items {
		data = append(data, s.renderAutomationConnection(c, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "links": cursorListLinks(r, page.next, page.prev)})
}

type acParamIn struct {
	ID        string  `json:"id,omitempty"`
	Name      string  `json:"name,omitempty"`
	Value     *string `json:"value,omitempty"`
	FieldType string  `json:"fieldType,omitempty"`
}

// buildParams turns create params into stored params. fieldType comes from
// the seed or is guessed from the name.
func (s *Server) buildParams(st *state, in []acParamIn) ([]acParam, string) {
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
		out = append(out, acParam{ID: s.newUUID(st), Name: p.Name, Value: deref(p.Value), FieldType: ft, Order: i + 1})
	}
	return out, ""
}

func (s *Server) createAutomationConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ConnectorID string      `json:"connectorId"`
		Name        string      `json:"name"`
		SpaceID     string      `json:"spaceId"`
		Params      []acParamIn `json:"params"`
	}
	if err := decodeBody(r, &in); err != nil {
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.SpaceID != "" && s.st.Spaces[in.SpaceID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", in.SpaceID))
		return
	}
	params, msg := s.buildParams(s.st, in.Params)
	if msg != "" {
		autoError(w, r, http.StatusBadRequest, msg)
		return
	}
	name := in.Name
	if strings.TrimSpace(name) == "" {
		name = "connection"
	}
	c := &automationConnection{Name: name, ConnectorID: in.ConnectorID, SpaceID: in.SpaceID, Params: params}
	s.insertAutomationConnection(s.st, c, s.caller(s.st).ID)
	writeJSON(w, http.StatusCreated, s.renderAutomationConnection(c, true))
}

func (s *Server) insertAutomationConnection(st *state, c *automationConnection, ownerID string) {
	c.ID = s.newUUID(st)
	now := s.now()
	c.OwnerID, c.CreatedAt, c.UpdatedAt, c.Seq = ownerID, now, now, st.nextSeq()
	st.AutomationConnections[c.ID] = c
}

func (s *Server) lookupAutomationConnection(w http.ResponseWriter, r *http.Request) *automationConnection {
	c := s.st.AutomationConnections[strings.ToLower(r.PathValue("id"))]
	if c == nil {
		autoError(w, r, http.StatusNotFound, "automation connection not found")
	}
	return c
}

func (s *Server) getAutomationConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lookupAutomationConnection(w, r); c != nil {
		writeJSON(w, http.StatusOK, s.renderAutomationConnection(c, true))
	}
}

// putAutomationConnection renames and/or sets param values by param id.
// Params not named keep their values.
func (s *Server) putAutomationConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   *string     `json:"name"`
		Params []acParamIn `json:"params"`
	}
	if err := decodeBody(r, &in); err != nil {
		autoError(w, r, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		autoError(w, r, http.StatusBadRequest, "name must not be empty")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	c.UpdatedAt = s.now()
	writeJSON(w, http.StatusOK, s.renderAutomationConnection(c, true))
}

// usedBy returns the automations whose workspace mentions the connection id.
func (st *state) automationsUsingConnection(id string) []string {
	var names []string
	for _, a := range st.Automations {
		if bytes.Contains(a.Workspace, []byte(`"`+id+`"`)) {
			names = append(names, a.Name)
		}
	}
	return names
}

func (s *Server) deleteAutomationConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupAutomationConnection(w, r)
	if c == nil {
		return
	}
	if users := s.st.automationsUsingConnection(c.ID); len(users) > 0 && !queryBool(r, "forced", false) {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("the connection is used by automations %q; delete with forced=true", users))
		return
	}
	delete(s.st.AutomationConnections, c.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) acChangeOwner(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userId"`
	}
	if err := decodeBody(r, &in); err != nil || in.UserID == "" {
		autoError(w, r, http.StatusBadRequest, "body must be {\"userId\": \"...\"}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupAutomationConnection(w, r)
	if c == nil {
		return
	}
	if s.st.Users[in.UserID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("user %q does not exist", in.UserID))
		return
	}
	c.OwnerID = in.UserID
	c.UpdatedAt = s.now()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) acChangeSpace(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SpaceID *string `json:"spaceId"`
	}
	if err := decodeBody(r, &in); err != nil || in.SpaceID == nil {
		autoError(w, r, http.StatusBadRequest, "body must be {\"spaceId\": \"...\"}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupAutomationConnection(w, r)
	if c == nil {
		return
	}
	if *in.SpaceID != "" && s.st.Spaces[*in.SpaceID] == nil {
		autoError(w, r, http.StatusBadRequest, fmt.Sprintf("space %q does not exist", *in.SpaceID))
		return
	}
	c.SpaceID = *in.SpaceID
	c.UpdatedAt = s.now()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) acCheck(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lookupAutomationConnection(w, r); c != nil {
		ok := c.connected()
		writeJSON(w, http.StatusOK, map[string]any{"connected": ok, "is_connected": ok})
	}
}

// seedAutomationConnection is one entry of automation-connections.yaml.
// connector is the connectorId; space names a space (absent: personal);
// owner is a user email (absent: the API-key caller).
type seedAutomationConnection struct {
	Name      string      `json:"name"`
	Connector string      `json:"connector"`
	Space     string      `json:"space,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	Params    []seedParam `json:"params,omitempty"`
}

type seedParam struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	FieldType  string `json:"fieldType,omitempty"`
	IsOptional bool   `json:"isOptional,omitempty"`
}

func (s *Server) seedAutomationConnections(st *state, dir string) error {
	path := filepath.Join(dir, "automation-connections.yaml")
	var entries []seedAutomationConnection
	if err := readSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		where := fmt.Sprintf("%s: automation-connections[%d] (%q)", path, i, e.Name)
		switch {
		case strings.TrimSpace(e.Name) == "":
			return fmt.Errorf("%s: name is required", where)
		case strings.TrimSpace(e.Connector) == "":
			return fmt.Errorf("%s: connector is required", where)
		}
		var in []acParamIn
		for _, p := range e.Params {
			v := p.Value
			in = append(in, acParamIn{Name: p.Name, Value: &v, FieldType: p.FieldType})
		}
		params, msg := s.buildParams(st, in)
		if msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		for j, p := range e.Params {
			params[j].IsOptional = p.IsOptional
		}
		owner := s.caller(st)
		if e.Owner != "" {
			if owner = st.userByEmail(e.Owner); owner == nil {
				return fmt.Errorf("%s: owner %q is not a user in users.yaml", where, e.Owner)
			}
		}
		c := &automationConnection{Name: e.Name, ConnectorID: e.Connector, Params: params}
		if e.Space != "" {
			sp := st.spaceByName(e.Space)
			if sp == nil {
				return fmt.Errorf("%s: space %q is not in spaces.yaml", where, e.Space)
			}
			c.SpaceID = sp.ID
		}
		s.insertAutomationConnection(st, c, owner.ID)
	}
	return nil
}
