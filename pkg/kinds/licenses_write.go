package kinds

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// licenceChange is one entry of an add, update or delete action: the
// user as the document names it, and the request's entry.
type licenceChange struct {
	user, verb string
	entry      map[string]string
}

// licenceAnswer is an entry of a 207 answer.
type licenceAnswer struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
}

// Update implements Handler: unassign what the document leaves out, change
// types, then assign, each as batched actions in the document's order, so
// that seats are freed before they are taken. Every entry Qlik refuses is
// named in NotApplied, and the step fails (the run is partial).
func (k licenseAssignmentsKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if err := ownTenantDoc(ctx, t, k.KindName, k.ListPath, have); err != nil {
		return Result{}, err
	}
	if unchanged(want, have) {
		return Result{}, nil
	}
	ws, err := specOf[licenseAssignmentsSpec](want)
	if err != nil {
		return Result{}, err
	}
	hs, err := specOf[licenseAssignmentsSpec](have)
	if err != nil {
		return Result{}, err
	}
	subjectOfID, _, err := userSubjects(ctx, t)
	if err != nil {
		return Result{}, err
	}
	var res Result
	subject := func(user string) (string, bool, error) {
		id, ok, err := t.Names.Resolve(ctx, resource.Key{Kind: "User", Name: user})
		if err != nil || !ok {
			return "", false, err
		}
		s, ok := subjectOfID[id]
		return s, ok, nil
	}
	haveType := map[string]string{}
	for _, a := range hs.Assignments {
		haveType[a.User] = a.Type
	}
	wantType := map[string]string{}
	var dels, ups, adds []licenceChange
	for _, a := range ws.Assignments {
		wantType[a.User] = a.Type
		from, held := haveType[a.User]
		if held && from == a.Type {
			continue
		}
		sub, ok, err := subject(a.User)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			res.Unresolved = append(res.Unresolved, "user:"+a.User)
			continue
		}
		if held {
			ups = append(ups, licenceChange{a.User, "as " + a.Type, map[string]string{"subject": sub, "sourceType": from, "type": a.Type}})
		} else {
			adds = append(adds, licenceChange{a.User, "as " + a.Type, map[string]string{"subject": sub, "type": a.Type}})
		}
	}
	for _, a := range hs.Assignments {
		if _, kept := wantType[a.User]; kept {
			continue
		}
		sub, ok, err := subject(a.User)
		if err != nil || !ok {
			return Result{}, fmt.Errorf("unassign %s: the user is not in the tenant (%v)", a.User, err)
		}
		dels = append(dels, licenceChange{a.User, "unassign " + a.Type, map[string]string{"subject": sub, "type": a.Type}})
	}
	var refused []string
	for _, step := range []struct {
		action  string
		changes []licenceChange
	}{{"delete", dels}, {"update", ups}, {"add", adds}} {
		failed, err := licenceActions(ctx, t, step.action, step.changes)
		if err != nil {
			return res, err
		}
		refused = append(refused, failed...)
	}
	if len(refused) > 0 {
		res.NotApplied = refused
		return res, fmt.Errorf("%d of %d licence changes not made", len(refused), len(dels)+len(ups)+len(adds))
	}
	return res, nil
}

// licenceActions sends changes as one action, at most 100 entries a call.
// An update refused for want of a seat is tried once more after the
// others, which may have freed one. It returns what was refused, by user.
func licenceActions(ctx context.Context, t *Tenant, action string, changes []licenceChange) ([]string, error) {
	var refused []string
	for pass := 0; pass < 2 && len(changes) > 0; pass++ {
		var retry []licenceChange
		refused = nil
		progress := false
		for start := 0; start < len(changes); start += 100 {
			batch := changes[start:min(start+100, len(changes))]
			entries := make([]map[string]string, len(batch))
			for i, c := range batch {
				entries[i] = c.entry
			}
			var out struct {
				Data []licenceAnswer `json:"data"`
			}
			if err := t.API.Do(ctx, http.MethodPost, assignmentsPath+action, map[string]any{action: entries}, &out); err != nil {
				return nil, fmt.Errorf("licence assignments %s: %w", action, err)
			}
			if len(out.Data) != len(batch) {
				return nil, fmt.Errorf("licence assignments %s: %d answers for %d entries", action, len(out.Data), len(batch))
			}
			for i, a := range out.Data {
				if a.Status < 300 {
					progress = true
					continue
				}
				if action == "update" && a.Status == http.StatusForbidden {
					retry = append(retry, batch[i])
				}
				refused = append(refused, licenceRefusal(batch[i], a))
			}
		}
		if len(retry) == 0 || !progress {
			break
		}
		changes = retry
		refused = refusedOutside(refused, retry)
	}
	sort.Strings(refused)
	return refused, nil
}

// refusedOutside keeps the refusals of users that are not tried again.
func refusedOutside(refused []string, retry []licenceChange) []string {
	again := map[string]bool{}
	for _, c := range retry {
		again[c.user] = true
	}
	var out []string
	for _, r := range refused {
		if user, _, _ := strings.Cut(r, ": "); !again[user] {
			out = append(out, r)
		}
	}
	return out
}

// licenceRefusal says why Qlik refused one entry, by user first.
func licenceRefusal(c licenceChange, a licenceAnswer) string {
	why := fmt.Sprintf("Qlik refused it (%d %s: %s)", a.Status, a.Code, a.Title)
	if a.Status == http.StatusForbidden {
		why = fmt.Sprintf("no %s seat left in the licence (%s: %s)", c.entry["type"], a.Code, a.Title)
	}
	return fmt.Sprintf("%s: %s: %s", c.user, c.verb, why)
}
