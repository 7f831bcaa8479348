package dataconnections

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
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

func dataConnectionsInSpace(st *core.State, spaceID string) int {
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
	core.WriteJSON(w, status, map[string]any{"errors": []any{map[string]any{
		"code": code, "title": title, "detail": detail, "status": status}}})
}

func (s server) routeDataConnections(mux *core.RouteMux) {
	mux.HandleFunc("GET /api/v1/data-connections", s.listDataConnections)
	mux.HandleFunc("POST /api/v1/data-connections", s.createDataConnection)
	mux.HandleFunc("GET /api/v1/data-connections/{qID}", s.getDataConnection)
	mux.HandleFunc("PUT /api/v1/data-connections/{qID}", s.putDataConnection)
	mux.HandleFunc("PATCH /api/v1/data-connections/{qID}", s.patchDataConnection)
	mux.HandleFunc("DELETE /api/v1/data-connections/{qID}", s.deleteDataConnection)
}

// routeSimDataConnections serves the test-only secrets view on the root mux
// (no auth, not counted): GET /_sim/data-connections/{qID}/secrets.
func (s server) routeSimDataConnections(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/data-connections/{qID}/secrets", func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		c := DataConnections.In(s.St)[r.PathValue("qID")]
		if c == nil {
			dcError(w, http.StatusNotFound, "data connection not found")
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]string{
			"qPassword": c.Password, "qConnectionSecret": c.ConnectionSecret, "qUsername": c.Username})
	})
}

// dcNameTaken reports whether the scope (space, or the owner's personal
// space when spaceID is "") already holds the name. Qlik does not state the
// case rule; the simulator compares case-insensitively (the stricter choice).
func dcNameTaken(st *core.State, name, spaceID, ownerID, exceptID string) bool {
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
var dataConnectionList = core.CursorList{Param: "page", MaxLimit: dcMaxLimit, DefSort: "+_id",
	Sorts:     []string{"_id", "qName", "created", "updated"},
	Filters:   []string{"qName", "qType", "datasourceID", "space", "user", "qID"},
	NonEmpty:  []string{"dataName"},
	BadCursor: "invalid page cursor"}

func (s server) listDataConnections(w http.ResponseWriter, r *http.Request) {
	cq, msg := dataConnectionList.Parse(r)
	if msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	// The v1 spec: "All resources will be returned if limit is not defined";
	// a cursor without a limit pages by the maximum.
	if cq.Page.Limit == 0 {
		if cq.Page.Next != "" || cq.Page.Prev != "" {
			cq.Page.Limit = dcMaxLimit
		} else {
			cq.Page.Limit = 1 << 30
		}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	page, err := core.Paginate(s.filterDataConnections(r, cq), dcSortKey(cq.Sort, core.QueryBool(r, "caseinsensitive", false)), cq.Page)
	if err != nil {
		dcError(w, http.StatusBadRequest, "invalid page cursor")
		return
	}
	data := make([]dcGetJSON, 0, len(page.Items))
	for _, c := range page.Items {
		data = append(data, s.renderDataConnection(r, c, false, false))
	}
	q := r.URL.Query()
	links := map[string]any{"self": core.Link{Href: core.BaseURL(r) + r.URL.Path + core.EncodeQuery(q)}}
	next, prev := core.DirCursorHrefs(r, "page", page.Next, page.Prev)
	if next != "" {
		links["next"] = core.Link{Href: next}
	}
	if prev != "" {
		links["prev"] = core.Link{Href: prev}
	}
	key := "data" // ?dataName renames the list's key
	if dn := q.Get("dataName"); dn != "" {
		key = dn
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{
		key:     data,
		"links": links,
		"meta":  map[string]any{"count": page.Total},
	})
}

// filterDataConnections applies the scope parameters (spaceId, personal,
// ownedByMe, userId) and the filter.
func (s server) filterDataConnections(r *http.Request, cq core.CursorQuery) []*dataConnection {
	q := r.URL.Query()
	caller := core.CallerOf(s.St)
	var items []*dataConnection
	for _, c := range DataConnections.In(s.St) {
		switch {
		case q.Get("spaceId") != "" && c.SpaceID != q.Get("spaceId"),
			q.Get("spaceId") == "" && core.QueryBool(r, "personal", false) && c.SpaceID != "",
			core.QueryBool(r, "ownedByMe", false) && c.OwnerID != caller.ID,
			q.Get("userId") != "" && c.OwnerID != q.Get("userId"):
			continue
		}
		if cq.Keep(map[string]string{"qname": c.Name, "qtype": c.Type, "datasourceid": c.DatasourceID,
			"space": c.SpaceID, "user": c.OwnerID, "qid": c.ID}) {
			items = append(items, c)
		}
	}
	return items
}

func dcSortKey(field string, caseInsensitive bool) func(*dataConnection) core.SortKey {
	return func(c *dataConnection) core.SortKey {
		switch field {
		case "qName":
			if caseInsensitive {
				return core.SortKey{K: strings.ToLower(c.Name), S: c.Seq}
			}
			return core.SortKey{K: c.Name, S: c.Seq}
		case "created":
			return core.SortKey{K: core.FmtTime(c.CreatedAt), S: c.Seq}
		case "updated":
			return core.SortKey{K: core.FmtTime(c.UpdatedAt), S: c.Seq}
		}
		return core.SeqKey(c.Seq)
	}
}

func (s server) createDataConnection(w http.ResponseWriter, r *http.Request) {
	var in dcInput
	if err := core.DecodeBody(r, &in); err != nil {
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
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if in.QCredentialsID != nil && *in.QCredentialsID != "" {
		dcError(w, http.StatusNotFound, fmt.Sprintf("credential %q not found", *in.QCredentialsID))
		return
	}
	if c.SpaceID != "" && core.Spaces.In(s.St)[c.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", c.SpaceID))
		return
	}
	caller := core.CallerOf(s.St)
	if c.ID != "" && DataConnections.In(s.St)[c.ID] != nil {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection with qID %s already exists", c.ID))
		return
	}
	if dcNameTaken(s.St, c.Name, c.SpaceID, caller.ID, "") {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", c.Name))
		return
	}
	s.insertDataConnection(s.St, c, caller.ID)
	core.WriteJSON(w, http.StatusCreated, s.renderDataConnection(r, c, false, true))
}

func (s server) insertDataConnection(st *core.State, c *dataConnection, ownerID string) {
	if c.ID == "" {
		c.ID = s.NewUUID(st)
	}
	now := s.Now()
	c.OwnerID, c.CreatedAt, c.UpdatedAt, c.Seq = ownerID, now, now, st.NextSeq()
	if c.Tags == nil {
		c.Tags = []string{}
	}
	DataConnections.In(st)[c.ID] = c
}

// lookupDataConnection resolves {qID}: an id, or a name with
// ?type=connectionname (scope: ?spaceId=, else the caller's personal space).
// It writes the error when it returns nil.
func (s server) lookupDataConnection(w http.ResponseWriter, r *http.Request) *dataConnection {
	key := r.PathValue("qID")
	q := r.URL.Query()
	switch q.Get("type") {
	case "connectionname":
		spaceID := q.Get("spaceId")
		caller := core.CallerOf(s.St)
		for _, c := range DataConnections.In(s.St) {
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
	if !core.IsUUID(key) {
		dcError(w, http.StatusBadRequest, fmt.Sprintf("qID %q is not a valid UUID", key))
		return nil
	}
	c := DataConnections.In(s.St)[strings.ToLower(key)]
	if c == nil {
		dcError(w, http.StatusNotFound, "data connection not found")
	}
	return c
}

func (s server) getDataConnection(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if c := s.lookupDataConnection(w, r); c != nil {
		core.WriteJSON(w, http.StatusOK, s.renderDataConnection(r, c, true, false))
	}
}

func (s server) putDataConnection(w http.ResponseWriter, r *http.Request) {
	var in dcInput
	if err := core.DecodeBody(r, &in); err != nil {
		dcError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if msg := dcRequired(dcField{"qID", in.QID}, dcField{"qEngineObjectID", in.QEngineObjectID},
		dcField{"qName", in.QName}, dcField{"qType", in.QType}, dcField{"qConnectStatement", in.QConnectStatement}); msg != "" {
		dcError(w, http.StatusBadRequest, msg)
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
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
func (s server) commitDataConnection(w http.ResponseWriter, c, next *dataConnection) {
	if next.SpaceID != "" && core.Spaces.In(s.St)[next.SpaceID] == nil {
		dcError(w, http.StatusForbidden, fmt.Sprintf("space %q does not exist or the user has no access to it", next.SpaceID))
		return
	}
	if dcNameTaken(s.St, next.Name, next.SpaceID, next.OwnerID, c.ID) {
		dcError(w, http.StatusConflict, fmt.Sprintf("a data connection named %q already exists in this space", next.Name))
		return
	}
	next.UpdatedAt = s.Now()
	*c = *next
	w.WriteHeader(http.StatusNoContent)
}

func (s server) patchDataConnection(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := core.DecodeBody(r, &ops); err != nil {
		dcError(w, http.StatusBadRequest, "body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
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

func (s server) deleteDataConnection(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	c := s.lookupDataConnection(w, r)
	if c == nil {
		return
	}
	delete(DataConnections.In(s.St), c.ID)
	w.WriteHeader(http.StatusNoContent)
}

// DataConnections is the data-connections table.
var DataConnections = core.NewTable[dataConnection]("dataConnections")
