// Package simctl changes a tenant through its public REST API the way an
// admin clicking in the hub would: delete a space, edit a description,
// remove a member. The demo and the CLI tests use it to make the "mistakes"
// that drift must notice and apply must undo. It works against qliksim or
// any Qlik Cloud tenant, and it reads the simulator's request counters.
package simctl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// Ctl drives one tenant.
type Ctl struct {
	API *qlik.Client
}

type idName struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Type  string `json:"type"`
}

type assignment struct {
	ID         string `json:"id"`
	AssigneeID string `json:"assigneeId"`
}

func (c Ctl) list(ctx context.Context, path string, q url.Values) ([]idName, error) {
	var out []idName
	err := c.API.ListAll(ctx, path, q, func(raw json.RawMessage) error {
		var v idName
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// SpaceID finds a space by exact name.
func (c Ctl) SpaceID(ctx context.Context, name string) (string, error) {
	spaces, err := c.list(ctx, "/api/v1/spaces", url.Values{"limit": {"100"}})
	if err != nil {
		return "", err
	}
	for _, s := range spaces {
		if s.Name == name {
			return s.ID, nil
		}
	}
	return "", fmt.Errorf("no space named %q", name)
}

// UserID finds a user by email.
func (c Ctl) UserID(ctx context.Context, email string) (string, error) {
	users, err := c.list(ctx, "/api/v1/users", url.Values{"limit": {"100"}})
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			return u.ID, nil
		}
	}
	return "", fmt.Errorf("no user with email %q", email)
}

// DeleteSpace deletes a space, as an admin does in the console. Qlik
// refuses (412) while the space still holds apps; its members go with it.
func (c Ctl) DeleteSpace(ctx context.Context, name string) error {
	id, err := c.SpaceID(ctx, name)
	if err != nil {
		return err
	}
	return c.API.Do(ctx, http.MethodDelete, "/api/v1/spaces/"+id, nil, nil)
}

// SetSpaceDescription replaces a space's description.
func (c Ctl) SetSpaceDescription(ctx context.Context, name, text string) error {
	id, err := c.SpaceID(ctx, name)
	if err != nil {
		return err
	}
	ops := []map[string]any{{"op": "replace", "path": "/description", "value": text}}
	return c.API.Do(ctx, http.MethodPatch, "/api/v1/spaces/"+id, ops, nil)
}

// RemoveMember removes a user's assignment from a space.
func (c Ctl) RemoveMember(ctx context.Context, space, email string) error {
	id, err := c.SpaceID(ctx, space)
	if err != nil {
		return err
	}
	uid, err := c.UserID(ctx, email)
	if err != nil {
		return err
	}
	var rows []assignment
	err = c.API.ListAll(ctx, "/api/v1/spaces/"+id+"/assignments", url.Values{"assigneeId": {uid}}, func(raw json.RawMessage) error {
		var a assignment
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		rows = append(rows, a)
		return nil
	})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s is not a member of %q", email, space)
	}
	return c.API.Do(ctx, http.MethodDelete, "/api/v1/spaces/"+id+"/assignments/"+rows[0].ID, nil, nil)
}

// CreateSpace creates an empty space.
func (c Ctl) CreateSpace(ctx context.Context, name, typ string) error {
	return c.API.Do(ctx, http.MethodPost, "/api/v1/spaces", map[string]any{"name": name, "type": typ}, nil)
}

// Stats reads qliksim's request counters from /_sim/stats. It fails
// against a real tenant, which has no such endpoint.
type Stats struct {
	Requests int64            `json:"requests"`
	Tier1    int64            `json:"tier1"`
	Tier2    int64            `json:"tier2"`
	Writes   int64            `json:"writes"`
	ByMethod map[string]int64 `json:"byMethod"`
	ByFamily map[string]int64 `json:"byFamily"`
}

// SimStats reads the counters.
func (c Ctl) SimStats(ctx context.Context) (Stats, error) {
	var s Stats
	err := c.API.Do(ctx, http.MethodGet, "/_sim/stats", nil, &s)
	return s, err
}

// ResetSimStats zeroes the counters.
func (c Ctl) ResetSimStats(ctx context.Context) error {
	return c.API.Do(ctx, http.MethodPost, "/_sim/stats/reset", nil, nil)
}

// CheckDataConnectionSecret asks qliksim which secret a data connection
// holds (GET /_sim/data-connections/{id}/secrets, test-only) and fails
// unless field has the wanted value. The value is never put in the error.
func (c Ctl) CheckDataConnectionSecret(ctx context.Context, space, name, field, want string) error {
	spaceID, err := c.SpaceID(ctx, space)
	if err != nil {
		return err
	}
	var conns []struct {
		ID    string `json:"qID"`
		Name  string `json:"qName"`
		Space string `json:"space"`
	}
	err = c.API.ListAll(ctx, "/api/v1/data-connections", url.Values{"spaceId": {spaceID}}, func(raw json.RawMessage) error {
		var v struct {
			ID    string `json:"qID"`
			Name  string `json:"qName"`
			Space string `json:"space"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		conns = append(conns, v)
		return nil
	})
	if err != nil {
		return err
	}
	for _, dc := range conns {
		if dc.Name != name {
			continue
		}
		var got map[string]string
		if err := c.API.Do(ctx, http.MethodGet, "/_sim/data-connections/"+dc.ID+"/secrets", nil, &got); err != nil {
			return err
		}
		if got[field] != want {
			return fmt.Errorf("data connection %s/%s: %s is not the expected value (it is %d characters long)", space, name, field, len(got[field]))
		}
		return nil
	}
	return fmt.Errorf("no data connection %q in space %q", name, space)
}

// RenameAutomationBlock changes the display name of one block in an
// automation's workspace, the smallest edit an author makes in the editor.
func (c Ctl) RenameAutomationBlock(ctx context.Context, automation, from, to string) error {
	var list []idName
	if err := c.API.ListAll(ctx, "/api/v1/automations", url.Values{"limit": {"200"}}, func(raw json.RawMessage) error {
		var v idName
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		list = append(list, v)
		return nil
	}); err != nil {
		return err
	}
	for _, a := range list {
		if a.Name != automation {
			continue
		}
		var detail map[string]any
		if err := c.API.Do(ctx, http.MethodGet, "/api/v1/automations/"+a.ID, nil, &detail); err != nil {
			return err
		}
		ws, _ := detail["workspace"].(map[string]any)
		blocks, _ := ws["blocks"].([]any)
		for _, b := range blocks {
			if m, ok := b.(map[string]any); ok && m["displayName"] == from {
				m["displayName"] = to
				body := map[string]any{"name": detail["name"], "description": detail["description"], "workspace": ws,
					"schedules": detail["schedules"], "maxConcurrentRuns": detail["maxConcurrentRuns"]}
				return c.API.Do(ctx, http.MethodPut, "/api/v1/automations/"+a.ID, body, nil)
			}
		}
		return fmt.Errorf("automation %q has no block named %q", automation, from)
	}
	return fmt.Errorf("no automation named %q", automation)
}

// refRE matches {LIST:FIELD=VALUE} or {LIST:FIELD=VALUE:IDFIELD}: the id of
// the item of list LIST whose FIELD is VALUE (IDFIELD defaults to "id").
var refRE = regexp.MustCompile(`\{(/api/[^:{}]+):([A-Za-z]+)=([^:{}]+)(?::([A-Za-z]+))?\}`)

// Call sends one raw API request, after replacing every {LIST:FIELD=VALUE}
// reference in path and body with the id it names, so that scripts can
// change any resource by name: Call(ctx, "DELETE", "/api/v1/themes/{/api/v1/themes:name=Corporate Blue}", "").
func (c Ctl) Call(ctx context.Context, method, path, body string) error {
	var err error
	resolve := func(s string) string {
		return refRE.ReplaceAllStringFunc(s, func(m string) string {
			g := refRE.FindStringSubmatch(m)
			id, e := c.findID(ctx, g[1], g[2], g[3], g[4])
			if e != nil && err == nil {
				err = e
			}
			return id
		})
	}
	// A reference may name a list below another item ({/api/v1/apps/{...}/
	// report-filters:name=X}): the inner one resolves in a pass, the outer
	// in the next.
	for pass := 0; pass < 4 && err == nil; pass++ {
		path, body = resolve(path), resolve(body)
	}
	if err != nil {
		return err
	}
	var payload any
	if body != "" {
		payload = json.RawMessage(body)
	}
	return c.API.Do(ctx, method, path, payload, nil)
}

func (c Ctl) findID(ctx context.Context, list, field, value, idField string) (string, error) {
	if idField == "" {
		idField = "id"
	}
	var found string
	opts := qlik.ListOptions{}
	if strings.HasPrefix(list, "/api/v1/sharing-tasks") {
		opts = qlik.ListOptions{ItemsKey: "sharingTasks", Pager: qlik.PageOffset} // the one list not under data
	}
	err := c.API.ListPages(ctx, list, opts, func(raw json.RawMessage) error {
		var item map[string]any
		if err := json.Unmarshal(raw, &item); err != nil {
			return err
		}
		if fmt.Sprint(item[field]) == value && found == "" {
			found = fmt.Sprint(item[idField])
		}
		return nil
	})
	if err == nil && found == "" {
		err = fmt.Errorf("no item of %s has %s=%q", list, field, value)
	}
	return found, err
}
