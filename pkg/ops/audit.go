package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/store"
)

// AuditRetention is how long Qlik keeps audit events in the live API: a
// change older than that can no longer be attributed.
const AuditRetention = 90 * 24 * time.Hour

// Audit outcomes in a run record.
const (
	AuditOK      = "ok"
	AuditFailed  = "failed"
	AuditSkipped = "skipped"
)

// AuditReport is what an export learned from the tenant's audit log.
type AuditReport struct {
	Status string     `json:"status"` // ok | failed | skipped
	Since  *time.Time `json:"since,omitempty"`
	Until  *time.Time `json:"until,omitempty"`
	// Events is the events read in the window.
	Events int    `json:"events"`
	Reason string `json:"reason,omitempty"`
}

// Changer is one Qlik user who changed a resource, with the time of their
// last event on it.
type Changer struct {
	Email string    `json:"email"`
	Name  string    `json:"name,omitempty"`
	At    time.Time `json:"at"`
}

// Attribution says who changed one resource of a commit. Unknown, when
// set, is why the audit log cannot tell (all of it, or what By lacks).
type Attribution struct {
	Resource string    `json:"resource"` // "Space Finance"
	By       []Changer `json:"by,omitempty"`
	Unknown  string    `json:"unknown,omitempty"`
}

// auditSource reads the tenant's audit log for one export, only when the
// export has changes to attribute.
type auditSource struct {
	ctx    context.Context
	client *qlik.Client
	now    func() time.Time
	// since is, per kind, the start of the last export that read it; a kind
	// missing has never been exported.
	since map[string]time.Time
}

// newAuditSource takes each kind's window start from the run records.
func newAuditSource(ctx context.Context, env Env, records []runRecord) auditSource {
	a := auditSource{ctx: ctx, client: env.Client, now: env.now, since: map[string]time.Time{}}
	for _, r := range records { // newest first
		if r.Op != "export" {
			continue
		}
		for _, k := range r.Kinds {
			if _, seen := a.since[k.Kind]; !seen && k.Status == KindOK {
				a.since[k.Kind] = r.StartedAt
			}
		}
	}
	return a
}

// touch is one event on a resource.
type touch struct {
	userID string
	at     time.Time
}

// attribute says who changed each changed document, reading the events
// since the earliest window start of their kinds, one call per page.
func (a auditSource) attribute(reg *kinds.Registry, old, new store.Files, changed []string, decoded decodedDocs) ([]Attribution, AuditReport) {
	type doc struct{ label, id, kind string }
	var docs []doc
	seen := map[string]bool{}
	for _, p := range changed {
		d, ok := docPathOf(reg, p, old, new)
		if !ok || seen[d] {
			continue
		}
		seen[d] = true
		data, inNew := new[d]
		if !inNew {
			data = old[d]
		}
		dec, err := decoded.decode(d, data)
		if err != nil || dec.Kind == "" {
			continue
		}
		docs = append(docs, doc{label: labelOf(d, dec, err), id: dec.Metadata.ID, kind: dec.Kind})
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].label < docs[j].label })
	if len(docs) == 0 {
		return nil, AuditReport{Status: AuditSkipped, Reason: "no resource changed"}
	}
	if len(a.since) == 0 { // the repo's first snapshot: nothing changed, it was all new to the repo
		return nil, AuditReport{Status: AuditSkipped, Reason: "first export: no earlier run to read the audit log from"}
	}
	var from time.Time
	for _, d := range docs {
		if s, ok := a.since[d.kind]; ok && (from.IsZero() || s.Before(from)) {
			from = s
		}
	}
	out := make([]Attribution, len(docs))
	for i, d := range docs {
		out[i].Resource = d.label
	}
	if from.IsZero() {
		for i := range out {
			out[i].Unknown = "first export of its kind"
		}
		return out, AuditReport{Status: AuditSkipped, Reason: "no earlier export to read the audit log from"}
	}
	until := a.now()
	rep := AuditReport{Status: AuditOK, Since: &from, Until: &until}
	touches, err := a.read(from, until)
	var users map[string]auditUser
	if err == nil {
		ids := make([]string, 0, len(docs))
		for _, d := range docs {
			ids = append(ids, d.id)
		}
		users, err = a.users(touches, ids)
	}
	if err != nil {
		rep.Status, rep.Reason = AuditFailed, oneLine(err)
		for i := range out {
			out[i].Unknown = "the audit log could not be read"
		}
		return out, rep
	}
	for _, t := range touches {
		rep.Events += len(t)
	}
	expired := until.Sub(from) > AuditRetention
	for i, d := range docs {
		since, known := a.since[d.kind]
		if !known {
			out[i].Unknown = "first export of its kind"
			continue
		}
		last := map[string]time.Time{}
		if d.id != "" {
			for _, t := range touches[d.id] {
				if !t.at.Before(since) && t.at.After(last[t.userID]) {
					last[t.userID] = t.at
				}
			}
		}
		for uid, at := range last {
			u, ok := users[uid]
			if !ok || u.Email == "" {
				out[i].Unknown = "a user no longer in the tenant"
				continue
			}
			out[i].By = append(out[i].By, Changer{Email: u.Email, Name: u.Name, At: at})
		}
		sort.Slice(out[i].By, func(x, y int) bool {
			bx, by := out[i].By[x], out[i].By[y]
			return bx.At.Before(by.At) || bx.At.Equal(by.At) && bx.Email < by.Email
		})
		switch {
		case expired:
			out[i].Unknown = "events before " + until.Add(-AuditRetention).Format(time.RFC3339) + " have expired"
		case len(out[i].By) == 0 && out[i].Unknown == "":
			out[i].Unknown = "no audit event"
		}
	}
	return out, rep
}

type auditUser struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// read lists the events of [from, until] oldest first, following the
// pages, and indexes them by the resource they touched (data.id) and by
// its top-level resource (extensions.topLevelResourceId: a space's
// assignment changes the space).
func (a auditSource) read(from, until time.Time) (map[string][]touch, error) {
	q := url.Values{"eventTime": {from.UTC().Format("2006-01-02T15:04:05.000Z") + "/" + until.UTC().Format("2006-01-02T15:04:05.000Z")},
		"sort": {"+eventTime"}, "limit": {"100"}}
	touches := map[string][]touch{}
	err := a.client.ListAll(a.ctx, "/api/v1/audits", q, func(raw json.RawMessage) error {
		var ev struct {
			EventTime  time.Time           `json:"eventTime"`
			UserID     string              `json:"userId"`
			Data       struct{ ID string } `json:"data"`
			Extensions struct {
				TopLevelResourceID string `json:"topLevelResourceId"`
			} `json:"extensions"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("unexpected audit event: %w", err)
		}
		if ev.UserID == "" {
			return nil
		}
		for _, id := range []string{ev.Data.ID, ev.Extensions.TopLevelResourceID} {
			if id != "" {
				touches[id] = append(touches[id], touch{userID: ev.UserID, at: ev.EventTime})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	return touches, nil
}

// users reads the users who touched the changed documents (ids), one GET
// each: the events name users by id only. A user gone from the tenant is
// left out (the resource is then partly unknown).
func (a auditSource) users(touches map[string][]touch, ids []string) (map[string]auditUser, error) {
	users := map[string]auditUser{}
	for _, doc := range ids {
		if doc == "" {
			continue
		}
		for _, t := range touches[doc] {
			if _, done := users[t.userID]; done {
				continue
			}
			var u auditUser
			err := a.client.Do(a.ctx, http.MethodGet, "/api/v1/users/"+url.PathEscape(t.userID), nil, &u)
			if qlik.StatusOf(err) == http.StatusNotFound {
				users[t.userID] = auditUser{}
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("read user %s of the audit log: %w", t.userID, err)
			}
			users[t.userID] = u
		}
	}
	return users, nil
}

// soleChanger is the one Qlik user who changed everything in a commit, if
// there is exactly one and nothing is unknown.
func soleChanger(atts []Attribution) (Changer, bool) {
	var one Changer
	for _, a := range atts {
		if a.Unknown != "" || len(a.By) == 0 {
			return Changer{}, false
		}
		for _, c := range a.By {
			if one.Email == "" {
				one = c
			} else if !strings.EqualFold(one.Email, c.Email) {
				return Changer{}, false
			}
		}
	}
	return one, one.Email != ""
}
