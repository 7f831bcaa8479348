package sharingtasks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/services/apps"
	"github.com/qlikops/qlikops/pkg/sim/services/reporttemplates"
)

// stErrors is the sharing-tasks Errors: errors[{code,title,detail,
// meta{httpCode}}] and traceId.
var stErrors = &core.ErrorStyle{Code: "SHARING-TASKS", Body: func(f core.ErrorFields) any {
	e := f.Entry()
	e["meta"] = map[string]any{"httpCode": f.Status}
	return core.ErrorsBody(e)
}}

// Service serves sharing tasks.
var Service = core.Service{
	Name: "sharingtasks",
	APIs: []core.API{{Prefixes: []string{base}, Errors: stErrors}},
	Routes: func(s *core.Server, mux *core.RouteMux) {
		mux.HandleFunc("GET "+base, list(s))
		taskResource.Route(s, mux)
	},
	Seed:  seed,
	Specs: []string{"qliksense-sharing-tasks-api-openapi.yml"},
}

// sorts are the list's sort[] fields qliksim serves (a subset of the
// spec's).
var sorts = map[string]func(*task) string{
	"name":        func(t *task) string { return strings.ToLower(t.Name) },
	"datecreated": func(t *task) string { return core.FmtTime(t.CreatedAt) },
	"type":        func(t *task) string { return t.Type },
	"appid":       func(t *task) string { return t.AppID },
}

// list is SharingTaskRecurringListResponse: offset paging, the items under
// sharingTasks, totalCount and currentPageCount, links.next while more
// remain. appid, owner and type filter; without appid a tenant admin sees
// every task (qliksim's caller always may).
func list(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, msg := core.ParseLimitIn(r, 10, 100)
		if msg != "" {
			core.BadRequest(w, r, "?limit", msg)
			return
		}
		offset := 0
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				core.BadRequest(w, r, "?offset", fmt.Sprintf("offset %q is not a non-negative integer", v))
				return
			}
			offset = n
		}
		sortKey, desc := sorts["datecreated"], false
		if v := q.Get("sort"); v != "" {
			desc = strings.HasPrefix(v, "-")
			f, ok := sorts[strings.TrimLeft(v, "+- ")]
			if !ok {
				core.BadRequest(w, r, "?sort", fmt.Sprintf("unsupported sort field %q", strings.TrimLeft(v, "+- ")))
				return
			}
			sortKey = f
		}
		types := append(q["type"], q["type[]"]...)
		s.Mu.Lock()
		defer s.Mu.Unlock()
		items := Tasks.List(s.St, func(t *task) bool {
			return (q.Get("appid") == "" || t.AppID == q.Get("appid")) &&
				(q.Get("owner") == "" || t.OwnerID == q.Get("owner")) &&
				(len(types) == 0 || slices.Contains(types, t.Type))
		}, func(a, b *task) int {
			c := strings.Compare(sortKey(a), sortKey(b))
			if c == 0 {
				c = int(a.Seq - b.Seq)
			}
			if desc {
				c = -c
			}
			return c
		})
		start := min(offset, len(items))
		end := min(start+limit, len(items))
		page := make([]any, 0, end-start)
		for _, t := range items[start:end] {
			page = append(page, render(r, s.St, t))
		}
		self := core.BaseURL(r) + base
		links := map[string]any{"self": map[string]any{"href": self + core.EncodeQuery(q)}}
		if end < len(items) {
			links["next"] = pageLink(self, q, end, "next")
		}
		if start > 0 {
			links["prev"] = pageLink(self, q, max(0, start-limit), "prev")
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"sharingTasks": page, "links": links,
			"totalCount": len(items), "currentPageCount": len(page)})
	}
}

func pageLink(self string, q url.Values, offset int, typ string) map[string]any {
	n := url.Values{}
	for k, v := range q {
		n[k] = v
	}
	n.Set("offset", strconv.Itoa(offset))
	return map[string]any{"href": self + core.EncodeQuery(n), "type": typ}
}

// seedTask is an entry of sharing-tasks.yaml: space and app name the app;
// template names a report template of that app; users are recipients by
// email, groups by name, emails plain addresses; owner is a user email
// ("" the API-key caller).
type seedTask struct {
	Name            string          `json:"name"`
	Type            string          `json:"type"`
	Description     string          `json:"description,omitempty"`
	Space           string          `json:"space"`
	App             string          `json:"app"`
	Template        string          `json:"template,omitempty"`
	FileName        string          `json:"fileName,omitempty"`
	TemplateType    string          `json:"templateType,omitempty"`
	Owner           string          `json:"owner,omitempty"`
	Enabled         *bool           `json:"enabled,omitempty"`
	Users           []string        `json:"users,omitempty"`
	Groups          []string        `json:"groups,omitempty"`
	Emails          []string        `json:"emails,omitempty"`
	ScheduleOptions json.RawMessage `json:"scheduleOptions,omitempty"`
	Trigger         json.RawMessage `json:"trigger,omitempty"`
	EmailContent    json.RawMessage `json:"emailContent,omitempty"`
	State           json.RawMessage `json:"state,omitempty"`
}

func seed(s *core.Server, st *core.State, dir string) error {
	path := filepath.Join(dir, "sharing-tasks.yaml")
	var entries []seedTask
	if err := core.ReadSeedFile(path, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		if err := seedOne(s, st, e); err != nil {
			return fmt.Errorf("%s: entry %d (%q): %w", path, i+1, e.Name, err)
		}
	}
	return nil
}

func seedOne(s *core.Server, st *core.State, e seedTask) error {
	spaceID, err := core.SeedSpaceID(st, e.Space)
	if err != nil {
		return err
	}
	owner, err := s.SeedOwner(st, e.Owner)
	if err != nil {
		return err
	}
	t := &task{Name: e.Name, Type: e.Type, Description: e.Description, Enabled: e.Enabled, OwnerID: owner.ID,
		ScheduleOptions: e.ScheduleOptions, Trigger: e.Trigger, EmailContent: e.EmailContent, State: e.State,
		TransportChannels: []string{"email"}, Recipients: &recipients{}}
	if len(t.State) == 0 {
		t.State = json.RawMessage(`{"selections":[]}`)
	}
	for _, a := range apps.Apps.In(st) {
		if !a.Deleted && a.Name == e.App && a.SpaceID == spaceID {
			t.AppID = a.ID
		}
	}
	if t.AppID == "" {
		return fmt.Errorf("app: %q is not an app of space %q", e.App, e.Space)
	}
	tp := template{Type: e.TemplateType, FileName: e.FileName}
	if e.Template != "" {
		for _, rt := range reporttemplates.Templates.In(st) {
			if rt.Name == e.Template {
				tp.TemplateID = rt.ID
			}
		}
		if tp.TemplateID == "" {
			return fmt.Errorf("template: no report template %q", e.Template)
		}
	}
	t.Templates = []template{tp}
	for _, email := range e.Users {
		u := core.UserByEmail(st, email)
		if u == nil {
			return fmt.Errorf("users: no user %q", email)
		}
		t.Recipients.UserIDs = append(t.Recipients.UserIDs, idRecipient{Value: u.ID})
	}
	for _, name := range e.Groups {
		g := core.GroupByName(st, name)
		if g == nil {
			return fmt.Errorf("groups: no group %q", name)
		}
		t.Recipients.GroupIDs = append(t.Recipients.GroupIDs, idRecipient{Value: g.ID})
	}
	for _, a := range e.Emails {
		t.Recipients.EmailAddresses = append(t.Recipients.EmailAddresses, emailRecipient{Value: a})
	}
	return taskResource.Insert(s, st, t, owner.ID)
}
