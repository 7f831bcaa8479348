package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
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

func dataConnectionsInSpace(st *state, spaceID string) int {
	n := 0
	for _, c := range DataConnections.In(st) {
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
		c := DataConnections.In(s.st)[r.PathValue("qID")]
		if c == nil {
			dcError(w, http.StatusNotFound, "data connection not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{
			"qPassword": c.Password, "qConnectionSecret": c.ConnectionSecret, "qUsername": c.Username})
	})
}

// dcNameTaken reports whether the scope (space, or the owner's personal
// space when spaceID is "") already holds the name. Qlik does not state the
// case rule; the simulator compares case-insensitively (the stricter choice).
func dcNameTaken(st *state, name, spaceID, ownerID, exceptID string) bool {
	for _, c := range DataConnections.In(st) {
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

// dataConnectionList is the v1 list query; its one cursor rides in "page".
var dataConnectionList = cursorList{param: "page", maxLimit: dcMaxLimit, defSort: "+_id",
	sorts:     []string{"_id", "qName", "created", "updated"},
	filters:   []string{"qName", "qType", "datasourceID", "space", "user", "qID"},
	nonEmpty:  []string{"dataName"},
	badCursor: "invalid page cursor"}

func (s *Server) listDataConnections(w http.ResponseWriter, r *http.Request) {
	cq, msg := dataConnectionList.parse(r)
	if msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	// The v1 spec: "All resources will be returned if limit is not defined";
	// a cursor without a limit pages by the maximum.
	if cq.page.limit == 0 {
		if cq.page.next != "" || cq.page.prev != "" {
			cq.page.limit = dcMaxLimit
		} else {
			cq.page.limit = 1 << 30
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page, err := paginate(s.filterDataConnections(r, cq), dcSortKey(cq.sort, queryBool(r, "caseinsensitive", false)), cq.page)
	if err != nil {
		dcError(w, http.StatusBadRequest, "invalid page cursor")
		return
	}
	data := make([]dcGetJSON, 0, len(page.items))
	for _, c := range page.items {
		data = append(data, s.renderDataConnection(r, c, false, false))
	}
	q := r.URL.Query()
	links := map[string]any{"self": link{Href: baseURL(r) + r.URL.Path + encodeQuery(q)}}
	next, prev := dirCursorHrefs(r, "page", page.next, page.prev)
	if next != "" {
		links["next"] = link{Href: next}
	}
	if prev != "" {
		links["prev"] = link{Href: prev}
	}
	key := "data" // ?dataName renames the list's key
	if dn := q.Get("dataName"); dn != "" {
		key = dn
	}
	writeJSON(w, http.StatusOK, map[string]any{
		key:     data,
		"links": links,
		"meta":  map[string]any{"count": page.total},
	})
}

// filterDataConnections applies the scope parameters (spaceId, personal,
// ownedByMe, userId) and the filter.
func (s *Server) filterDataConnections(r *http.Request, cq cursorQuery) []*dataConnection {
	q := r.URL.Query()
	caller := callerOf(s.st)
	var items []*dataConnection
	for _, c := range DataConnections.In(s.st) {
		switch {
		case q.Get("spaceId") != "" && c.SpaceID != q.Get("spaceId"),
			q.Get("spaceId") == "" && queryBool(r, "personal", false) && c.SpaceID != "",
			queryBool(r, "ownedByMe", false) && c.OwnerID != caller.ID,
			q.Get("userId") != "" && c.OwnerID != q.Get("userId"):
			continue
		}
		if cq.keep(map[string]string{"qname": c.Name, "qtype": c.Type, "datasourceid": c.DatasourceID,
			"space": c.SpaceID, "user": c.OwnerID, "qid": c.ID}) {
			items = append(items, c)
		}
	}
	return items
}

func dcSortKey(field string, caseInsensitive bool) func(*dataConnection) sortKey {
	return func(c *dataConnection) sortKey {
		switch field {
		case "qName":
			if caseInsensitive {
				return sortKey{K: strings.ToLower(c.Name), S: c.Seq}
			}
			return sortKey{K: c.Name, S: c.Seq}
		case "created":
			return sortKey{K: fmtTime(c.CreatedAt), S: c.Seq}
		case "updated":
			return sortKey{K: fmtTime(c.UpdatedAt), S: c.Seq}
		}
		return seqKey(c.Seq)
	}
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
	if msg := dcRequired(dcField{"qName", in.QName}, dcField{"qType", in.QType},
		dcField{"qConnectStatement", in.QConnectStatement}, dcField{"datasourceID", in.DatasourceID}); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	c := &dataConnection{Name: *in.QName, Type: *in.QType, ConnectStatement: *in.QConnectStatement,
		DatasourceID: *in.DatasourceID, Tags: in.Tags}
	if msg := s.applyDCOptional(&in, c); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	var msg string
	if c.ID, msg = dcRequestedID(&in); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.QCredentialsID != nil && *in.QCredentialsID != "" {
		dcError(w, http.StatusNotFound, fmt.Sprintf("credential %q not found", *in.QCredentialsID))
		return
	}
	if c.SpaceID != "" && Spaces.In(s.st)[c.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", c.SpaceID))
		return
	}
	caller := callerOf(s.st)
	if c.ID != "" && DataConnections.In(s.st)[c.ID] != nil {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection with qID %s already exists", c.ID))
		return
	}
	if dcNameTaken(s.st, c.Name, c.SpaceID, caller.ID, "") {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", c.Name))
		return
	}
	s.insertDataConnection(s.st, c, caller.ID)
	writeJSON(w, http.StatusCreated, s.renderDataConnection(r, c, false, true))
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
	DataConnections.In(st)[c.ID] = c
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
		caller := callerOf(s.st)
		for _, c := range DataConnections.In(s.st) {
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
	c := DataConnections.In(s.st)[strings.ToLower(key)]
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
	if msg := dcRequired(dcField{"qID", in.QID}, dcField{"qEngineObjectID", in.QEngineObjectID},
		dcField{"qName", in.QName}, dcField{"qType", in.QType}, dcField{"qConnectStatement", in.QConnectStatement}); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
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
	if next.SpaceID != "" && Spaces.In(s.st)[next.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", next.SpaceID))
		return
	}
	if dcNameTaken(s.st, next.Name, next.SpaceID, next.OwnerID, c.ID) {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", next.Name))
		return
	}
	next.UpdatedAt = s.now()
	*c = *next
	w.WriteHeader(http.StatusNoContent)
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
		if msg := patchDCField(&next, op.Op, op.Path, op.Value); msg != "" {
			dcError(w, http.StatusBadRequest, fmt.Sprintf("operation %d: %s", i, msg))
			return
		}
	}
	s.commitDataConnection(w, c, &next)
}

func (s *Server) deleteDataConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupDataConnection(w, r)
	if c == nil {
		return
	}
	delete(DataConnections.In(s.st), c.ID)
	w.WriteHeader(http.StatusNoContent)
}

// DataConnections is the data-connections table.
var DataConnections = NewTable[dataConnection]("dataConnections")
