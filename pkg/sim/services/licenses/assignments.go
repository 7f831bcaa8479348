package licenses

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// assignment is one user's licence: a subject holds at most one.
//
// Choices where Qlik does not say: a subject no user has may be assigned
// (it is an orphan, listed with ?orphans=true); the codes of a repeated
// add (409 LICENSES-009) and of an unknown or unassignable type (400
// LICENSES-005) are made up, LICENSES-011 (no seat) and LICENSES-016 (not
// found) are the spec's examples.
type assignment struct {
	Subject string    `json:"subject"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	Seq     int64     `json:"seq"`
}

// Assignments holds the assignments by subject.
var Assignments = core.NewTable[assignment]("licenseAssignments")

var assignmentList = core.CursorList{Param: "page", DefLimit: 20, MaxLimit: 100, DefSort: "+subject",
	Sorts: []string{"subject", "type", "created"}, Filters: []string{"subject", "type"}, BadCursor: "invalid page cursor"}

func listAssignments(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cq, msg := assignmentList.Parse(r)
		if msg != "" {
			core.BadRequest(w, r, "", msg)
			return
		}
		orphans := core.QueryBool(r, "orphans", false)
		s.Mu.Lock()
		defer s.Mu.Unlock()
		keep := Assignments.List(s.St, func(a *assignment) bool {
			if orphans && core.UserBySubject(s.St, a.Subject) != nil {
				return false
			}
			return cq.Keep(map[string]string{"subject": a.Subject, "type": a.Type})
		}, nil)
		key := func(a *assignment) core.SortKey {
			switch cq.Sort {
			case "type":
				return core.SortKey{K: a.Type + "\x00" + a.Subject, S: a.Seq}
			case "created":
				return core.SeqKey(a.Seq)
			}
			return core.SortKey{K: a.Subject, S: a.Seq}
		}
		page, err := core.Paginate(keep, key, cq.Page)
		if err != nil {
			core.BadRequest(w, r, "?page", "invalid page cursor")
			return
		}
		data := make([]any, 0, len(page.Items))
		for _, a := range page.Items {
			data = append(data, map[string]any{"subject": a.Subject, "type": a.Type, "excess": false, "created": core.FmtTime(a.Created)})
		}
		links := map[string]any{}
		next, prev := core.DirCursorHrefs(r, "page", page.Next, page.Prev)
		if next != "" {
			links["next"] = core.Link{Href: next}
		}
		if prev != "" {
			links["prev"] = core.Link{Href: prev}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": links})
	}
}

// entry is one element of a 207 answer.
type entry struct {
	Subject    string `json:"subject"`
	Type       string `json:"type,omitempty"`
	SourceType string `json:"sourceType,omitempty"`
	Status     int    `json:"status"`
	Code       string `json:"code,omitempty"`
	Title      string `json:"title,omitempty"`
}

func refused(e entry, status int, code, title string) entry {
	e.Status, e.Code, e.Title = status, code, title
	return e
}

const noSeat = "No available allotment error, No available allotment."

// add assigns typ to subject if a seat is left.
func add(s *core.Server, st *core.State, subject, typ string) entry {
	e := entry{Subject: subject, Type: typ}
	switch al := allotmentOf(st, typ); {
	case al == nil:
		return refused(e, http.StatusBadRequest, "LICENSES-005", "Invalid allotment type "+typ+".")
	case Assignments.Get(st, subject) != nil:
		return refused(e, http.StatusConflict, "LICENSES-009", "Assignment already exists.")
	case used(st, typ) >= al.Units:
		return refused(e, http.StatusForbidden, "LICENSES-011", noSeat)
	}
	Assignments.Put(st, subject, &assignment{Subject: subject, Type: typ, Created: s.Now(), Seq: st.NextSeq()})
	e.Status = http.StatusCreated
	return e
}

// actions reads {key: [...]} into items, answers 400 for a body that is
// not one, and 207 with what each item returns, in order.
func actions[T any](s *core.Server, key string, each func(st *core.State, item T) entry) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string][]json.RawMessage
		if err := core.DecodeBody(r, &body); err != nil || body[key] == nil {
			core.BadRequest(w, r, "/"+key, "the body must be {\""+key+"\": [...]}")
			return
		}
		items := make([]T, len(body[key]))
		for i, raw := range body[key] {
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil || json.Unmarshal(raw, &items[i]) != nil || strings.TrimSpace(asString(m["subject"])) == "" {
				core.BadRequest(w, r, "/"+key, key+" entries need a subject")
				return
			}
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		out := make([]entry, 0, len(items))
		for _, it := range items {
			out = append(out, each(s.St, it))
		}
		core.WriteJSON(w, http.StatusMultiStatus, map[string]any{"data": out})
	}
}

func asString(v any) string { s, _ := v.(string); return s }

type addItem struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
}

func addAssignments(s *core.Server) http.HandlerFunc {
	return actions(s, "add", func(st *core.State, it addItem) entry { return add(s, st, it.Subject, it.Type) })
}

type deleteItem struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
}

func deleteAssignments(s *core.Server) http.HandlerFunc {
	return actions(s, "delete", func(st *core.State, it deleteItem) entry {
		e := entry{Subject: it.Subject, Type: it.Type}
		a := Assignments.Get(st, it.Subject)
		if a == nil || (it.Type != "" && a.Type != it.Type) {
			return refused(e, http.StatusNotFound, "LICENSES-016", "Assignment not found.")
		}
		Assignments.Delete(st, it.Subject)
		e.Status = http.StatusOK
		return e
	})
}

type updateItem struct {
	Subject       string `json:"subject"`
	Type          string `json:"type"`
	SourceType    string `json:"sourceType"`
	SourceSubject string `json:"sourceSubject"`
}

// updateAssignments changes an assignment's type (sourceType to type)
// and, with sourceSubject, moves it to another subject (201).
func updateAssignments(s *core.Server) http.HandlerFunc {
	return actions(s, "update", func(st *core.State, it updateItem) entry {
		from := it.Subject
		if it.SourceSubject != "" {
			from = it.SourceSubject
		}
		e := entry{Subject: it.Subject, Type: it.Type, SourceType: it.SourceType}
		a := Assignments.Get(st, from)
		if a == nil || (it.SourceType != "" && a.Type != it.SourceType) {
			return refused(e, http.StatusNotFound, "LICENSES-016", "Assignment not found.")
		}
		typ := it.Type
		if typ == "" {
			typ = a.Type
		}
		e.Type, e.SourceType = typ, a.Type
		switch al := allotmentOf(st, typ); {
		case al == nil:
			return refused(e, http.StatusBadRequest, "LICENSES-005", "Invalid allotment type "+typ+".")
		case typ != a.Type && used(st, typ) >= al.Units:
			return refused(e, http.StatusForbidden, "LICENSES-011", noSeat)
		case from != it.Subject && Assignments.Get(st, it.Subject) != nil:
			return refused(e, http.StatusConflict, "LICENSES-009", "Assignment already exists.")
		}
		e.Status = http.StatusOK
		if from != it.Subject {
			Assignments.Delete(st, from)
			a = &assignment{Subject: it.Subject, Created: s.Now(), Seq: st.NextSeq()}
			e.Status = http.StatusCreated
		}
		a.Type = typ
		Assignments.Put(st, it.Subject, a)
		return e
	})
}
