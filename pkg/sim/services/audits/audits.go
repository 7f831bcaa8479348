package audits

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Retention is how long the live API keeps an event.
const Retention = 90 * 24 * time.Hour

// event is one stored audit event. Row.ID is the event's id (and eventId).
type event struct {
	core.Row
	EventType string         `json:"eventType"`
	EventTime time.Time      `json:"eventTime"`
	Source    string         `json:"source"`
	UserID    string         `json:"userId"`
	Data      map[string]any `json:"data"`
	// Extensions are Qlik's: topLevelResourceId, spaceId, ownerId.
	Extensions map[string]string `json:"extensions,omitempty"`
}

// Events is the audits table.
var Events = core.NewTable[event]("audits")

var auditErrors = &core.ErrorStyle{Code: "AUDITS", Body: func(f core.ErrorFields) any {
	return core.ErrorsBody(f.Entry())
}}

// Service serves the audit log and records an event for every write.
var Service = core.Service{
	Name:    "audits",
	APIs:    []core.API{{Prefixes: []string{"/api/v1/audits"}, Errors: auditErrors}},
	Routes:  routes,
	Written: record,
	SimRoutes: func(s *core.Server, mux *http.ServeMux) {
		mux.HandleFunc("POST /_sim/audits/age", age(s))
		mux.HandleFunc("GET /_sim/audits", dump(s))
	},
	Specs: []string{"qliksim-audits.yml"},
}

func routes(s *core.Server, mux *core.RouteMux) {
	expired := func(e *event) bool { return s.Now().Sub(e.EventTime) > Retention }
	res := &core.Resource[event]{
		Table: Events, Path: "/api/v1/audits", Label: "audit event",
		Verbs:        core.VerbList | core.VerbGet,
		Row:          func(e *event) *core.Row { return &e.Row },
		DefaultLimit: 10,
		DefaultSort:  "-eventTime",
		Sorts: map[string]func(*event) string{
			"eventTime": func(e *event) string { return core.FmtTime(e.EventTime) },
			"eventType": func(e *event) string { return e.EventType },
			"source":    func(e *event) string { return e.Source },
		},
		Filters: map[string]core.Filter[event]{
			"eventTime": timeRange,
			"eventType": core.EqualFilter(func(e *event) string { return e.EventType }),
			"source":    core.EqualFilter(func(e *event) string { return e.Source }),
			"userId":    core.EqualFilter(func(e *event) string { return e.UserID }),
			"id":        core.AnyOfFilter(func(e *event) []string { return []string{e.ID} }),
		},
		Hidden: expired,
		Render: render,
	}
	res.Route(s, mux)
	mux.HandleFunc("GET /api/v1/audits/settings", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
			"EventTTL": int64(Retention / time.Second), "ArchiveEnabled": false}})
	})
	mux.HandleFunc("GET /api/v1/audits/types", distinct(s, expired, func(e *event) string { return e.EventType }))
	mux.HandleFunc("GET /api/v1/audits/sources", distinct(s, expired, func(e *event) string { return e.Source }))
}

// timeRange is the eventTime filter: an ISO 8601 interval "start/end",
// both ends included.
func timeRange(v string) (func(*event) bool, error) {
	from, to, ok := strings.Cut(v, "/")
	if !ok {
		return nil, fmt.Errorf("%q is not a start/end interval", v)
	}
	start, err := time.Parse(time.RFC3339Nano, from)
	if err != nil {
		return nil, fmt.Errorf("start %q is not an RFC 3339 time", from)
	}
	end, err := time.Parse(time.RFC3339Nano, to)
	if err != nil {
		return nil, fmt.Errorf("end %q is not an RFC 3339 time", to)
	}
	return func(e *event) bool { return !e.EventTime.Before(start) && !e.EventTime.After(end) }, nil
}

// render is GetByIDResult.
func render(r *http.Request, st *core.State, e *event) any {
	out := map[string]any{
		"id": e.ID, "eventId": e.ID, "eventType": e.EventType, "eventTypeVersion": "1.0.0",
		"eventTime": core.FmtTime(e.EventTime), "source": e.Source, "userId": e.UserID,
		"tenantId": st.TenantID, "contentType": "application/json", "data": e.Data,
		"links": map[string]any{"self": core.Link{Href: core.BaseURL(r) + "/api/v1/audits/" + e.ID}},
	}
	if len(e.Extensions) > 0 {
		out["extensions"] = e.Extensions
	}
	return out
}

// distinct answers types and sources: GetObjectsResult, sorted.
func distinct(s *core.Server, expired func(*event) bool, field func(*event) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		seen := map[string]bool{}
		for _, e := range Events.In(s.St) {
			if !expired(e) {
				seen[field(e)] = true
			}
		}
		s.Mu.Unlock()
		out := make([]string, 0, len(seen))
		for k := range seen {
			out = append(out, k)
		}
		slices.Sort(out)
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": out,
			"links": map[string]any{"self": core.Link{Href: core.BaseURL(r) + r.URL.Path}}})
	}
}

// record is the Written hook: one event per write, and the expired ones
// purged.
func record(s *core.Server, st *core.State, w core.Write) {
	d, ok := describe(w)
	if !ok {
		return
	}
	seq := eventSeq.Add(1)
	if seq%256 == 0 { // the list hides expired events; purging now and then bounds the table
		for id, e := range Events.In(st) {
			if w.Time.Sub(e.EventTime) > Retention {
				Events.Delete(st, id)
			}
		}
	}
	id := newEventID()
	e := &event{Row: core.Row{ID: id, Seq: seq, CreatedAt: w.Time}, EventType: d.eventType,
		EventTime: w.Time, Source: d.source, UserID: w.CallerID, Data: d.data, Extensions: d.extensions}
	Events.Put(st, id, e)
}

// eventSeq orders events of the same millisecond. It is not the state's
// sequence, nor are event ids the state's: recording an event must not
// shift the ids and order of what tests create (golden files).
var eventSeq atomic.Int64

func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// age moves every event back by ?by (a Go duration, or days as "90d"),
// purging those that fall past the retention.
func age(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		by, err := parseAge(r.URL.Query().Get("by"))
		if err != nil {
			core.BadRequest(w, r, "?by", err.Error())
			return
		}
		s.Mu.Lock()
		defer s.Mu.Unlock()
		now := s.Now()
		for id, e := range Events.In(s.St) {
			e.EventTime = e.EventTime.Add(-by)
			if now.Sub(e.EventTime) > Retention {
				Events.Delete(s.St, id)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func parseAge(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == days {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("by=%q: want a positive duration such as 91d or 36h", v)
	}
	return d, nil
}

// dump lists every live event, oldest first, unpaged.
func dump(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		rows := Events.List(s.St, nil, func(a, b *event) int { return cmp.Or(a.EventTime.Compare(b.EventTime), cmp.Compare(a.Seq, b.Seq)) })
		data := make([]any, 0, len(rows))
		for _, e := range rows {
			data = append(data, render(r, s.St, e))
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
	}
}
