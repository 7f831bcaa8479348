package spaces

import (
	"errors"
	"fmt"
	"slices"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

type seedSpace struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Description string       `json:"description,omitempty"`
	Owner       string       `json:"owner,omitempty"`
	Members     []seedMember `json:"members,omitempty"`
	// Apps names content that qlikops does not manage yet. It makes the
	// space non-empty, so deleting it is refused with 412 as in Qlik.
	Apps []string `json:"apps,omitempty"`
}

type seedMember struct {
	User  string   `json:"user,omitempty"`
	Group string   `json:"group,omitempty"`
	Roles []string `json:"roles"`
}

// adoptSeedCaller makes the first seeded TenantAdmin the caller and drops
// the built-in bot user when it is unused.
func (s server) adoptSeedCaller(st *core.State) {
	admin := core.FirstTenantAdmin(st)
	cur := core.Users.In(st)[st.CallerID]
	if admin == nil || cur == nil || cur.Subject != core.BotSubject {
		return
	}
	st.CallerID = admin.ID
	for _, sp := range core.Spaces.In(st) {
		if sp.OwnerID == cur.ID {
			return
		}
	}
	for _, a := range Assignments.In(st) {
		if a.AssigneeID == cur.ID {
			return
		}
	}
	delete(core.Users.In(st), cur.ID)
}

func (s server) seedSpaces(st *core.State, spaces []seedSpace) error {
	for i, sp := range spaces {
		where := fmt.Sprintf("spaces[%d] (%q)", i, sp.Name)
		if msg := validSpaceName(sp.Name); msg != "" {
			return fmt.Errorf("%s: %s", where, msg)
		}
		if !slices.Contains(spaceTypes, sp.Type) {
			return fmt.Errorf("%s: type must be shared, managed or data, not %q", where, sp.Type)
		}
		if nameTaken(st, sp.Name, "") {
			return fmt.Errorf("%s: duplicate space name", where)
		}
		owner := core.CallerOf(st)
		if sp.Owner != "" {
			if owner = core.UserByEmail(st, sp.Owner); owner == nil {
				return fmt.Errorf("%s: owner %q is not a user in users.yaml", where, sp.Owner)
			}
		}
		nsp := s.insertSpace(st, sp.Name, sp.Type, sp.Description, owner.ID)
		nsp.Apps = sp.Apps
		assignees := map[string]bool{} // the space is new: no assignment yet
		for j, m := range sp.Members {
			if err := s.seedMember(st, nsp, m, assignees); err != nil {
				return fmt.Errorf("%s: members[%d]: %w", where, j, err)
			}
		}
	}
	return nil
}

func (s server) seedMember(st *core.State, sp *core.Space, m seedMember, assignees map[string]bool) error {
	in := assignmentCreate{Roles: m.Roles}
	switch {
	case m.User != "" && m.Group != "":
		return fmt.Errorf("set either user or group, not both")
	case m.User != "":
		u := core.UserByEmail(st, m.User)
		if u == nil {
			return fmt.Errorf("user %q is not in users.yaml", m.User)
		}
		in.Type, in.AssigneeID = "user", u.ID
	case m.Group != "":
		g := core.GroupByName(st, m.Group)
		if g == nil {
			return fmt.Errorf("group %q is not in groups.yaml", m.Group)
		}
		in.Type, in.AssigneeID = "group", g.ID
	default:
		return fmt.Errorf("set user or group")
	}
	if _, _, msg, status := s.addAssignmentTo(st, sp, in, assignees); status != 0 {
		return errors.New(msg)
	}
	return nil
}
