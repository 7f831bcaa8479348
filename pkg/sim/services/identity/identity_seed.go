package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// Seed files. References between them are by natural key (email, group
// name, role name), never by id.
type seedUser struct {
	Subject string   `json:"subject"`
	Name    string   `json:"name"`
	Email   string   `json:"email"`
	Status  string   `json:"status,omitempty"`
	Roles   []string `json:"roles,omitempty"`
	Groups  []string `json:"groups,omitempty"`
}

type seedGroup struct {
	Name         string   `json:"name"`
	Description  string   `json:"description,omitempty"`
	ProviderType string   `json:"providerType"`
	Roles        []string `json:"roles,omitempty"`
}

func roleIDsByName(st *core.State, names []string) ([]string, error) {
	ids := []string{}
	for _, n := range names {
		ro := core.RoleByName(st, n)
		if ro == nil {
			return nil, fmt.Errorf("unknown role %q", n)
		}
		if !slices.Contains(ids, ro.ID) {
			ids = append(ids, ro.ID)
		}
	}
	return ids, nil
}

func (s server) seedGroups(st *core.State, groups []seedGroup) error {
	for i, g := range groups {
		where := fmt.Sprintf("groups[%d] (%q)", i, g.Name)
		if msg := validGroupName(g.Name); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		if g.ProviderType == "" {
			g.ProviderType = "idp"
		}
		if g.ProviderType != "idp" && g.ProviderType != "custom" {
			return fmt.Errorf("%s: providerType must be idp or custom, not %q", where, g.ProviderType)
		}
		if core.GroupByName(st, g.Name) != nil {
			return fmt.Errorf("%s: duplicate group name", where)
		}
		ids, err := roleIDsByName(st, g.Roles)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		s.insertGroup(st, g.Name, g.Description, g.ProviderType, ids)
	}
	return nil
}

func (s server) seedUsers(st *core.State, users []seedUser) error {
	for i, u := range users {
		where := fmt.Sprintf("users[%d] (%q)", i, u.Email)
		switch {
		case strings.TrimSpace(u.Subject) == "":
			return fmt.Errorf("%s: subject is required", where)
		case strings.TrimSpace(u.Email) == "":
			return fmt.Errorf("%s: email is required", where)
		case core.UserBySubject(st, u.Subject) != nil:
			return fmt.Errorf("%s: duplicate subject %q", where, u.Subject)
		case core.UserByEmail(st, u.Email) != nil:
			return fmt.Errorf("%s: duplicate email", where)
		case !slices.Contains([]string{"", "active", "invited", "disabled"}, u.Status):
			return fmt.Errorf("%s: status must be active, invited or disabled", where)
		}
		roleIDs, err := roleIDsByName(st, u.Roles)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		var groupIDs []string
		for _, gn := range u.Groups {
			g := core.GroupByName(st, gn)
			if g == nil || g.System {
				return fmt.Errorf("%s: unknown group %q", where, gn)
			}
			groupIDs = append(groupIDs, g.ID)
		}
		nu := s.insertUser(st, u.Subject, u.Name, u.Email, u.Status, roleIDs)
		nu.GroupIDs = append(nu.GroupIDs, groupIDs...)
	}
	return nil
}
