package identity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// patchUser applies a users-service JSON Patch (ops replace, add,
// remove-value, renew and the deprecated set/unset) all-or-nothing and
// answers 204.
func (s server) patchUser(w http.ResponseWriter, r *http.Request) {
	var ops []patchOp
	if err := core.DecodeBody(r, &ops); err != nil {
		core.BadRequest(w, r, "", "body must be a JSON Patch array: "+err.Error())
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	u := s.lookupUser(w, r)
	if u == nil {
		return
	}
	cp := *u
	cp.RoleIDs = slices.Clone(u.RoleIDs)
	cp.GroupIDs = slices.Clone(u.GroupIDs)
	for i, op := range ops {
		if msg := applyUserOp(s.St, &cp, op); msg != "" {
			core.BadRequest(w, r, fmt.Sprintf("/%d", i), msg)
			return
		}
	}
	cp.LastUpdatedAt = s.Now()
	*u = cp
	core.NoContentJSON(w)
}

func applyUserOp(st *core.State, u *core.User, op patchOp) string {
	path := strings.TrimSuffix(op.Path, "/-")
	switch op.Op {
	case "replace", "add", "remove-value", "set", "unset", "renew":
	default:
		return fmt.Sprintf("unsupported op %q", op.Op)
	}
	switch path {
	case "/name", "/status", "/preferredLocale", "/preferredZoneinfo":
		return applyUserScalar(u, path, op)
	case "/inviteExpiry":
		if op.Op != "renew" {
			return "/inviteExpiry supports only op renew"
		}
		return ""
	case "/assignedRoles", "/roles":
		refs, err := parseRefs(op.Value)
		if err != nil {
			return "value must be role references [{id}] or [{name}]"
		}
		ids, msg := resolveRoleRefs(st, refs)
		if msg != "" {
			return msg
		}
		u.RoleIDs, msg = applySetOp(op.Op, u.RoleIDs, ids)
		return msg
	case "/assignedGroups":
		refs, err := parseRefs(op.Value)
		if err != nil {
			return "value must be group references [{id}] or [{name, providerType}]"
		}
		ids, msg := resolveGroupRefs(st, refs)
		if msg != "" {
			return msg
		}
		u.GroupIDs, msg = applySetOp(op.Op, u.GroupIDs, ids)
		return msg
	}
	return fmt.Sprintf("unsupported path %q", op.Path)
}

func applyUserScalar(u *core.User, path string, op patchOp) string {
	var v string
	if op.Op == "unset" {
		v = ""
	} else if op.Op != "replace" && op.Op != "set" {
		return fmt.Sprintf("op %q is not supported on %s", op.Op, path)
	} else if err := json.Unmarshal(op.Value, &v); err != nil {
		return path + ": value must be a string"
	}
	switch path {
	case "/name":
		if strings.TrimSpace(v) == "" {
			return "name must not be empty"
		}
		u.Name = v
	case "/status":
		if v != "active" && v != "disabled" {
			return `status can be set to "active" or "disabled"`
		}
		u.Status = v
	case "/preferredLocale":
		u.PreferredLocale = v
	case "/preferredZoneinfo":
		u.PreferredZoneinfo = v
	}
	return ""
}

// applySetOp applies replace/add/remove-value to a list of ids.
func applySetOp(op string, cur, ids []string) ([]string, string) {
	switch op {
	case "replace", "set":
		return ids, ""
	case "add":
		for _, id := range ids {
			if !slices.Contains(cur, id) {
				cur = append(cur, id)
			}
		}
		return cur, ""
	case "remove-value", "unset":
		for _, id := range ids {
			cur = core.RemoveString(cur, id)
		}
		return cur, ""
	}
	return cur, fmt.Sprintf("op %q is not supported on a list", op)
}

// parseRefs accepts a reference object, an array of them, or (deprecated
// /roles) an array of role names.
func parseRefs(raw json.RawMessage) ([]refIDName, error) {
	var list []refIDName
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var one refIDName
	if err := json.Unmarshal(raw, &one); err == nil && (one.ID != "" || one.Name != "") {
		return []refIDName{one}, nil
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		return nil, err
	}
	for _, n := range names {
		list = append(list, refIDName{Name: n})
	}
	return list, nil
}
