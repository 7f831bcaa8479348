package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// dataConnection is one classic (qConnectStatement based) data connection of
// /api/v1/data-connections. The secrets are kept here: the state file is the
// simulator's own storage. They never leave through the API except
// qConnectionSecret on GET /{qID}.
type dataConnection struct {
	ID                  string    `json:"qID"`
	Name                string    `json:"qName"`
	Type                string    `json:"qType"`
	ConnectStatement    string    `json:"qConnectStatement"`
	Architecture        int       `json:"qArchitecture"`
	LogOn               int       `json:"qLogOn"`
	SeparateCredentials bool      `json:"qSeparateCredentials"`
	DatasourceID        string    `json:"datasourceID"`
	SpaceID             string    `json:"space"` // "" = the owner's personal space
	Tags                []string  `json:"tags"`
	OwnerID             string    `json:"user"`
	Username            string    `json:"qUsername,omitempty"`
	Password            string    `json:"qPassword,omitempty"`
	ConnectionSecret    string    `json:"qConnectionSecret,omitempty"`
	CreatedAt           time.Time `json:"created"`
	UpdatedAt           time.Time `json:"updated"`
	Seq                 int64     `json:"seq"`
}

const (
	dcMaxLimit = 100
	dcMaxTags  = 32
)

// dcPrivileges is what a TenantAdmin caller may do with any connection.
var dcPrivileges = []string{"list", "update", "delete", "read", "change_owner", "change_space"}

func (st *state) dataConnectionsInSpace(spaceID string) int {
	n := 0
	for _, c := range st.DataConnections {
		if c.SpaceID == spaceID {
			n++
		}
	}
	return n
}

// dcError writes the data-connections error body: {"errors":[{code,title,
// detail,status}]} with a numeric status and no traceId (spec ResponseErrors).
// Only DCERROR-0010 ("Bad or invalid request") is Qlik's code (spec example);
// the others follow its pattern (guess).
func dcError(w http.ResponseWriter, status int, detail string) {
	code := map[int]string{400: "DCERROR-0010", 403: "DCERROR-0003", 404: "DCERROR-0004", 409: "DCERROR-0009"}[status]
	if code == "" {
		code = fmt.Sprintf("DCERROR-%04d", status)
	}
	title := map[int]string{400: "Bad or invalid request", 403: "Forbidden", 404: "Not found",
		409: "Data connection already exists"}[status]
	if title == "" {
		title = http.StatusText(status)
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{
		"code": code, "title": title, "detail": detail, "status": status}}})
}

func (s *Server) routeDataConnections(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/data-connections", s.listDataConnections)
	mux.HandleFunc("POST /api/v1/data-connections", s.createDataConnection)
	mux.HandleFunc("GET /api/v1/data-connections/{qID}", s.getDataConnection)
	mux.HandleFunc("PUT /api/v1/data-connections/{qID}", s.putDataConnection)
	mux.HandleFunc("PATCH /api/v1/data-connections/{qID}", s.patchDataConnection)
	mux.HandleFunc("DELETE /api/v1/data-connections/{qID}", s.deleteDataConnection)
}

// routeSimDataConnections serves the test-only secrets view on the root mux
// (no auth, not counted): GET /_sim/data-connections/{qID}/secrets.
func (s *Server) routeSimDataConnections(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/data-connections/{qID}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.st.DataConnections[r.PathValue("qID")]
		if c == nil {
			dcError(w, http.StatusNotFound, "data connection not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{
			"qPassword": c.Password, "qConnectionSecret": c.ConnectionSecret, "qUsername": c.Username})
	})
}

// dcGetJSON is ConnectionGet. qLogOn is a number here (0|1) but a string in
// the create response (spec ConnectionCreateResponse), as in Qlik's spec.
type dcGetJSON struct {
	QID                  string   `json:"qID"`
	QEngineObjectID      string   `json:"qEngineObjectID"`
	QName                string   `json:"qName"`
	QType                string   `json:"qType"`
	QConnectStatement    string   `json:"qConnectStatement"`
	QArchitecture        int      `json:"qArchitecture"`
	QLogOn               any      `json:"qLogOn"`
	QSeparateCredentials bool     `json:"qSeparateCredentials"`
	QConnectionSecret    *string  `json:"qConnectionSecret,omitempty"`
	DatasourceID         string   `json:"datasourceID,omitempty"`
	Space                string   `json:"space,omitempty"`
	Tags                 []string `json:"tags"`
	User                 string   `json:"user"`
	Tenant               string   `json:"tenant"`
	Created              string   `json:"created"`
	Updated              string   `json:"updated"`
	Privileges           []string `json:"privileges"`
	Links                struct {
		Self link `json:"self"`
	} `json:"links"`
}

func (s *Server) renderDataConnection(r *http.Request, c *dataConnection, withSecret, logOnString bool) dcGetJSON {
	out := dcGetJSON{QID: c.ID, QEngineObjectID: c.ID, QName: c.Name, QType: c.Type,
		QConnectStatement: c.ConnectStatement, QArchitecture: c.Architecture, QLogOn: c.LogOn,
		QSeparateCredentials: c.SeparateCredentials, DatasourceID: c.DatasourceID, Space: c.SpaceID,
		Tags: slices.Clone(c.Tags), User: c.OwnerID, Tenant: s.st.TenantID, Created: fmtTime(c.CreatedAt),
		Updated: fmtTime(c.UpdatedAt), Privileges: slices.Clone(dcPrivileges)}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if logOnString {
		out.QLogOn = fmt.Sprint(c.LogOn)
	}
	if withSecret && c.ConnectionSecret != "" {
		sec := c.ConnectionSecret
		out.QConnectionSecret = &sec
	}
	out.Links.Self.Href = baseURL(r) + "/api/v1/data-connections/" + c.ID
	return out
}

// dcNameTaken reports whether the scope (space, or the owner's personal
// space when spaceID is "") already holds the name. Qlik does not state the
// case rule; the simulator compares case-insensitively (the stricter choice).
func (st *state) dcNameTaken(name, spaceID, ownerID, exceptID string) bool {
	for _, c := range st.DataConnections {
		if c.ID == exceptID || c.SpaceID != spaceID || !strings.EqualFold(c.Name, name) {
			continue
		}
		if spaceID == "" && c.OwnerID != ownerID {
			continue
		}
		return true
	}
	return false
}

func (s *Server) listDataConnections(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// The v1 spec: "All resources will be returned if limit is not defined".
	limit, msg := parseLimitIn(r, 0, dcMaxLimit)
	if msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	field, desc, ok := parseSignedSort(q.Get("sort"), "+_id", "_id", "qName", "created", "updated")
	if !ok {
		dcError(w, http.StatusBadRequest, fmt.Sprintf("unsupported sort field %q", field))
		return
	}
	if q.Has("dataName") && q.Get("dataName") == "" {
		dcError(w, http.StatusBadRequest, "dataName must not be empty")
		return
	}
	pq := pageQuery{limit: limit, desc: desc}
	if !readDirCursor(&pq, q.Get("page")) {
		dcError(w, http.StatusBadRequest, "invalid page cursor")
		return
	}
	if pq.limit == 0 {
		if pq.next != "" || pq.prev != "" {
			pq.limit = dcMaxLimit
		} else {
			pq.limit = 1 << 30
		}
	}
	var filter filterExpr
	if f := q.Get("filter"); f != "" {
		var err error
		if filter, err = parseFilter(f, "qName", "qType", "datasourceID", "space", "user", "qID"); err != nil {
			dcError(w, http.StatusBadRequest, "invalid filter: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := s.caller(s.st)
	var items []*dataConnection
	for _, c := range s.st.DataConnections {
		switch {
		case q.Get("spaceId") != "" && c.SpaceID != q.Get("spaceId"),
			q.Get("spaceId") == "" && queryBool(r, "personal", false) && c.SpaceID != "",
			queryBool(r, "ownedByMe", false) && c.OwnerID != caller.ID,
			q.Get("userId") != "" && c.OwnerID != q.Get("userId"):
			continue
		}
		if filter != nil && !filter.eval(func(attr string) []string {
			switch attr {
			case "qname":
				return []string{c.Name}
			case "qtype":
				return []string{c.Type}
			case "datasourceid":
				return []string{c.DatasourceID}
			case "space":
				return []string{c.SpaceID}
			case "user":
				return []string{c.OwnerID}
			case "qid":
				return []string{c.ID}
			}
			return nil
		}) {
			continue
		}
		items = append(items, c)
	}
	caseIns := queryBool(r, "caseinsensitive", false)
	page, err := paginate(items, func(c *dataConnection) sortKey {
		switch field {
		case "qName":
			if caseIns {
				return sortKey{K: strings.ToLower(c.Name), S: c.Seq}
			}
			return sortKey{K: c.Name, S: c.Seq}
		case "created":
			return sortKey{K: fmtTime(c.CreatedAt), S: c.Seq}
		case "updated":
			return sortKey{K: fmtTime(c.UpdatedAt), S: c.Seq}
		}
		return seqKey(c.Seq)
	}, pq)
	if err != nil {
		dcError(w, http.StatusBadRequest, "invalid page cursor")
		return
	}
	data := make([]dcGetJSON, 0, len(page.items))
	for _, c := range page.items {
		data = append(data, s.renderDataConnection(r, c, false, false))
	}
	links := map[string]any{"self": link{Href: baseURL(r) + r.URL.Path + encodeQuery(q)}}
	next, prev := dirCursorHrefs(r, "page", page.next, page.prev)
	if next != "" {
		links["next"] = link{Href: next}
	}
	if prev != "" {
		links["prev"] = link{Href: prev}
	}
	key := "data"
	if dn := q.Get("dataName"); dn != "" {
		key = dn
	}
	writeJSON(w, http.StatusOK, map[string]any{
		key:     data,
		"links": links,
		"meta":  map[string]any{"count": page.total},
	})
}

// dcInput is the union of ConnectionCreate and ConnectionUpdate. Pointers
// tell "absent" from "empty" where Qlik's rules depend on it.
type dcInput struct {
	QID                  *string         `json:"qID"`
	QEngineObjectID      *string         `json:"qEngineObjectID"`
	QName                *string         `json:"qName"`
	QType                *string         `json:"qType"`
	QConnectStatement    *string         `json:"qConnectStatement"`
	QArchitecture        *int            `json:"qArchitecture"`
	QLogOn               json.RawMessage `json:"qLogOn"`
	QSeparateCredentials *bool           `json:"qSeparateCredentials"`
	QUsername            *string         `json:"qUsername"`
	QPassword            *string         `json:"qPassword"`
	QConnectionSecret    *string         `json:"qConnectionSecret"`
	QCredentialsID       *string         `json:"qCredentialsID"`
	DatasourceID         *string         `json:"datasourceID"`
	Space                *string         `json:"space"`
	Tags                 []string        `json:"tags"`
	ConnectionProperties json.RawMessage `json:"connectionProperties"`
}

// parseLogOn accepts the request forms of qLogOn: "0", "1",
// "LOG_ON_SERVICE_USER", "LOG_ON_CURRENT_USER" (and the numbers 0/1).
func parseLogOn(raw json.RawMessage) (int, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	switch x := v.(type) {
	case string:
		switch x {
		case "0", "LOG_ON_SERVICE_USER":
			return 0, true
		case "1", "LOG_ON_CURRENT_USER":
			return 1, true
		}
	case float64:
		if x == 0 || x == 1 {
			return int(x), true
		}
	}
	return 0, false
}

func nonEmpty(p *string) bool { return p != nil && strings.TrimSpace(*p) != "" }

func validTags(tags []string) string {
	if len(tags) > dcMaxTags {
		return fmt.Sprintf("at most %d tags are allowed", dcMaxTags)
	}
	for _, t := range tags {
		if len(t) > 256 {
			return "a tag must be at most 256 bytes"
		}
	}
	return ""
}

func (s *Server) createDataConnection(w http.ResponseWriter, r *http.Request) {
	var in dcInput
	if err := decodeBody(r, &in); err != nil {
		dcError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if len(in.ConnectionProperties) > 0 {
		dcError(w, http.StatusBadRequest, "qliksim supports only connections created from a qConnectStatement (ConnectionCreate), not connectionProperties")
		return
	}
	switch {
	case !nonEmpty(in.QName):
		dcError(w, http.StatusBadRequest, "qName is required")
		return
	case !nonEmpty(in.QType):
		dcError(w, http.StatusBadRequest, "qType is required")
		return
	case !nonEmpty(in.QConnectStatement):
		dcError(w, http.StatusBadRequest, "qConnectStatement is required")
		return
	case !nonEmpty(in.DatasourceID):
		dcError(w, http.StatusBadRequest, "datasourceID is required")
		return
	}
	c := &dataConnection{Name: *in.QName, Type: *in.QType, ConnectStatement: *in.QConnectStatement,
		DatasourceID: *in.DatasourceID, Tags: in.Tags}
	if msg := s.applyDCOptional(&in, c); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	if in.QID != nil && *in.QID != "" || in.QEngineObjectID != nil && *in.QEngineObjectID != "" {
		id, eid := deref(in.QID), deref(in.QEngineObjectID)
		if id != "" && eid != "" && id != eid {
			dcError(w, http.StatusBadRequest, "qID and qEngineObjectID must be the same")
			return
		}
		if id == "" {
			id = eid
		}
		if !isUUID(id) {
			dcError(w, http.StatusBadRequest, "qID must be a UUID")
			return
		}
		c.ID = strings.ToLower(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.QCredentialsID != nil && *in.QCredentialsID != "" {
		dcError(w, http.StatusNotFound, fmt.Sprintf("credential %q not found", *in.QCredentialsID))
		return
	}
	if c.SpaceID != "" && s.st.Spaces[c.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", c.SpaceID))
		return
	}
	caller := s.caller(s.st)
	if c.ID != "" && s.st.DataConnections[c.ID] != nil {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection with qID %s already exists", c.ID))
		return
	}
	if s.st.dcNameTaken(c.Name, c.SpaceID, caller.ID, "") {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", c.Name))
		return
	}
	s.insertDataConnection(s.st, c, caller.ID)
	writeJSON(w, http.StatusCreated, s.renderDataConnection(r, c, false, true))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// applyDCOptional copies the optional create/update fields of in onto c and
// returns "" or why the input is invalid. Absent fields keep c's values; an
// absent qPassword or qConnectionSecret keeps the stored secret.
func (s *Server) applyDCOptional(in *dcInput, c *dataConnection) string {
	if in.QArchitecture != nil {
		if *in.QArchitecture != 0 && *in.QArchitecture != 1 {
			return "qArchitecture must be 0 or 1"
		}
		c.Architecture = *in.QArchitecture
	}
	if len(in.QLogOn) > 0 && string(in.QLogOn) != "null" {
		v, ok := parseLogOn(in.QLogOn)
		if !ok {
			return `qLogOn must be one of "0", "1", "LOG_ON_SERVICE_USER", "LOG_ON_CURRENT_USER"`
		}
		c.LogOn = v
	}
	if in.QSeparateCredentials != nil {
		c.SeparateCredentials = *in.QSeparateCredentials
	}
	if in.QUsername != nil {
		c.Username = *in.QUsername
	}
	if in.QPassword != nil {
		c.Password = *in.QPassword
	}
	if in.QConnectionSecret != nil {
		c.ConnectionSecret = *in.QConnectionSecret // "" clears
	}
	if in.DatasourceID != nil && *in.DatasourceID != "" {
		c.DatasourceID = *in.DatasourceID
	}
	if in.Space != nil {
		c.SpaceID = *in.Space
	}
	if in.Tags != nil {
		if msg := validTags(in.Tags); msg != "" {
			return msg
		}
		c.Tags = slices.Clone(in.Tags)
	}
	return ""
}

func (s *Server) insertDataConnection(st *state, c *dataConnection, ownerID string) {
	if c.ID == "" {
		c.ID = s.newUUID(st)
	}
	now := s.now()
	c.OwnerID, c.CreatedAt, c.UpdatedAt, c.Seq = ownerID, now, now, st.nextSeq()
	if c.Tags == nil {
		c.Tags = []string{}
	}
	st.DataConnections[c.ID] = c
}

// lookupDataConnection resolves {qID}: an id, or a name with
// ?type=connectionname (scope: ?spaceId=, else the caller's personal space).
// It writes the error when it returns nil.
func (s *Server) lookupDataConnection(w http.ResponseWriter, r *http.Request) *dataConnection {
	key := r.PathValue("qID")
	q := r.URL.Query()
	switch q.Get("type") {
	case "connectionname":
		spaceID := q.Get("spaceId")
		caller := s.caller(s.st)
		for _, c := range s.st.DataConnections {
			if c.Name == key && c.SpaceID == spaceID && (spaceID != "" || c.OwnerID == caller.ID) {
				return c
			}
		}
		dcError(w, http.StatusNotFound, fmt.Sprintf("data connection named %q not found", key))
		return nil
	case "":
	default:
		dcError(w, http.StatusBadRequest, "type must be connectionname")
		return nil
	}
	if !isUUID(key) {
		dcError(w, http.StatusBadRequest, fmt.Sprintf("qID %q is not a valid UUID", key))
		return nil
	}
	c := s.st.DataConnections[strings.ToLower(key)]
	if c == nil {
		dcError(w, http.StatusNotFound, "data connection not found")
	}
	return c
}

func (s *Server) getDataConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.lookupDataConnection(w, r); c != nil {
		writeJSON(w, http.StatusOK, s.renderDataConnection(r, c, true, false))
	}
}

func (s *Server) putDataConnection(w http.ResponseWriter, r *http.Request) {
	var in dcInput
	if err := decodeBody(r, &in); err != nil {
		dcError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"qID", in.QID}, {"qEngineObjectID", in.QEngineObjectID}, {"qName", in.QName},
		{"qType", in.QType}, {"qConnectStatement", in.QConnectStatement}} {
		if !nonEmpty(f.v) {
			dcError(w, http.StatusBadRequest, f.name+" is required")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupDataConnection(w, r)
	if c == nil {
		return
	}
	if !strings.EqualFold(*in.QID, c.ID) || !strings.EqualFold(*in.QEngineObjectID, c.ID) {
		dcError(w, http.StatusBadRequest, "qID and qEngineObjectID in the body must be the connection's id")
		return
	}
	next := *c
	next.Tags = slices.Clone(c.Tags)
	next.Name, next.Type, next.ConnectStatement = *in.QName, *in.QType, *in.QConnectStatement
	if msg := s.applyDCOptional(&in, &next); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	s.commitDataConnection(w, c, &next)
}

// commitDataConnection validates the new version of c (space, name scope)
// and stores it, answering 204.
func (s *Server) commitDataConnection(w http.ResponseWriter, c, next *dataConnection) {
	if next.SpaceID != "" && s.st.Spaces[next.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", next.SpaceID))
		return
	}
	if s.st.dcNameTaken(next.Name, next.SpaceID, next.OwnerID, c.ID) {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", next.Name))
		return
	}
	next.UpdatedAt = s.now()
	*c = *next
	w.WriteHeader(http.StatusNoContent)
}

// dcPatchPaths are the fields a JSON Patch may touch, with the value kind.
var dcPatchPaths = map[string]string{
	"/qName": "string", "/qType": "string", "/qConnectStatement": "string", "/qUsername": "string",
	"/qPassword": "string", "/qConnectionSecret": "string", "/datasourceID": "string", "/space": "string",
	"/qArchitecture": "int", "/qLogOn": "logon", "/qSeparateCredentials": "bool", "/tags": "array",
}

func (s *Server) patchDataConnection(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := decodeBody(r, &ops); err != nil {
		dcError(w, http.StatusBadRequest, "body must be a JSON Patch array: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupDataConnection(w, r)
	if c == nil {
		return
	}
	next := *c
	next.Tags = slices.Clone(c.Tags)
	for i, op := range ops {
		kind, known := dcPatchPaths[op.Path]
		switch {
		case op.Op != "add" && op.Op != "replace" && op.Op != "remove":
			dcError(w, http.StatusBadRequest, fmt.Sprintf("operation %d: op must be add, replace or remove", i))
			return
		case !known:
			dcError(w, http.StatusBadRequest, fmt.Sprintf("operation %d: path %q cannot be patched", i, op.Path))
			return
		}
		if op.Op == "remove" {
			switch op.Path {
			case "/qName", "/qType", "/qConnectStatement", "/datasourceID":
				dcError(w, http.StatusBadRequest, fmt.Sprintf("operation %d: %s is required and cannot be removed", i, op.Path))
				return
			}
			op.Value = nil
		}
		if msg := patchDCField(&next, op.Path, kind, op.Value); msg != "" {
			dcError(w, http.StatusBadRequest, fmt.Sprintf("operation %d: %s", i, msg))
			return
		}
	}
	s.commitDataConnection(w, c, &next)
}

// patchDCField sets one field; a nil value (remove) resets it.
func patchDCField(c *dataConnection, path, kind string, raw json.RawMessage) string {
	var str string
	var num int
	var b bool
	var arr []string
	if raw != nil {
		var err error
		switch kind {
		case "string":
			err = json.Unmarshal(raw, &str)
		case "int":
			err = json.Unmarshal(raw, &num)
			if err == nil && num != 0 && num != 1 {
				return "value must be 0 or 1"
			}
		case "logon":
			var ok bool
			if num, ok = parseLogOn(raw); !ok {
				return `value must be "0", "1", "LOG_ON_SERVICE_USER" or "LOG_ON_CURRENT_USER"`
			}
		case "bool":
			err = json.Unmarshal(raw, &b)
		case "array":
			err = json.Unmarshal(raw, &arr)
			if err == nil {
				if msg := validTags(arr); msg != "" {
					return msg
				}
			}
		}
		if err != nil {
			return fmt.Sprintf("value of %s has the wrong type", path)
		}
		if kind == "string" && (path == "/qName" || path == "/qType" || path == "/qConnectStatement" || path == "/datasourceID") && strings.TrimSpace(str) == "" {
			return path[1:] + " must not be empty"
		}
	}
	switch path {
	case "/qName":
		c.Name = str
	case "/qType":
		c.Type = str
	case "/qConnectStatement":
		c.ConnectStatement = str
	case "/qUsername":
		c.Username = str
	case "/qPassword":
		c.Password = str
	case "/qConnectionSecret":
		c.ConnectionSecret = str
	case "/datasourceID":
		c.DatasourceID = str
	case "/space":
		c.SpaceID = str
	case "/qArchitecture":
		c.Architecture = num
	case "/qLogOn":
		c.LogOn = num
	case "/qSeparateCredentials":
		c.SeparateCredentials = b
	case "/tags":
		if arr == nil {
			arr = []string{}
		}
		c.Tags = arr
	}
	return ""
}

func (s *Server) deleteDataConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupDataConnection(w, r)
	if c == nil {
		return
	}
	delete(s.st.DataConnections, c.ID)
	w.WriteHeader(http.StatusNoContent)
}

// seedDataConnection is one entry of data-connections.yaml. space names a
// space (absent: the caller's personal space); owner is a user email
// (absent: the API-key caller).
type seedDataConnection struct {
	Space            string   `json:"space,omitempty"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	DatasourceID     string   `json:"datasourceID,omitempty"`
	ConnectStatement string   `json:"connectStatement"`
	Username         string   `json:"username,omitempty"`
	Password         string   `json:"password,omitempty"`
	ConnectionSecret string   `json:"connectionSecret,omitempty"`
	Architecture     int      `json:"architecture,omitempty"`
	LogOn            int      `json:"logOn,omitempty"`
	Owner            string   `json:"owner,omitempty"`
	Tags             []string `json:"tags,omitempty"`
}

func (s *Server) seedDataConnections(st *state, dir string) error {
	path := filepath.Join(dir, "data-connections.yaml")
	var entries []seedDataConnection
	if err := readSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		where := fmt.Sprintf("%s: data-connections[%d] (%q)", path, i, e.Name)
		switch {
		case strings.TrimSpace(e.Name) == "":
			return fmt.Errorf("%s: name is required", where)
		case strings.TrimSpace(e.Type) == "":
			return fmt.Errorf("%s: type is required", where)
		case strings.TrimSpace(e.ConnectStatement) == "":
			return fmt.Errorf("%s: connectStatement is required", where)
		case e.Architecture != 0 && e.Architecture != 1:
			return fmt.Errorf("%s: architecture must be 0 or 1", where)
		case e.LogOn != 0 && e.LogOn != 1:
			return fmt.Errorf("%s: logOn must be 0 or 1", where)
		}
		if msg := validTags(e.Tags); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		owner := s.caller(st)
		if e.Owner != "" {
			if owner = st.userByEmail(e.Owner); owner == nil {
				return fmt.Errorf("%s: owner %q is not a user in users.yaml", where, e.Owner)
			}
		}
		spaceID := ""
		if e.Space != "" {
			sp := st.spaceByName(e.Space)
			if sp == nil {
				return fmt.Errorf("%s: space %q is not in spaces.yaml", where, e.Space)
			}
			spaceID = sp.ID
		}
		if st.dcNameTaken(e.Name, spaceID, owner.ID, "") {
			return fmt.Errorf("%s: duplicate connection name in the space", where)
		}
		ds := e.DatasourceID
		if ds == "" {
			ds = defaultDatasourceID(e.Type)
		}
		s.insertDataConnection(st, &dataConnection{Name: e.Name, Type: e.Type, ConnectStatement: e.ConnectStatement,
			Architecture: e.Architecture, LogOn: e.LogOn, DatasourceID: ds, SpaceID: spaceID,
			Tags: slices.Clone(e.Tags), Username: e.Username, Password: e.Password,
			ConnectionSecret: e.ConnectionSecret}, owner.ID)
	}
	return nil
}

// defaultDatasourceID guesses a datasource id from a qType, e.g.
// "QvRestConnector.exe" -> "rest", "folder" -> "folder" (guess).
func defaultDatasourceID(qType string) string {
	t := strings.ToLower(strings.TrimSuffix(qType, ".exe"))
	for _, known := range []string{"snowflake", "rest", "odbc", "oledb", "folder", "web", "sql", "databricks", "bigquery"} {
		if strings.Contains(t, known) {
			return known
		}
	}
	return t
}
