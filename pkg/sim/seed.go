package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
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

// LoadSeed adds the tenant described by dir to the simulator: each service
// reads its own file(s) there (users.yaml, groups.yaml, spaces.yaml,
// data-connections.yaml, ...; each optional), in service order. It is
// all-or-nothing: on error the tenant is unchanged and the error names the
// file and the problem. The first seeded TenantAdmin becomes the API-key
// caller.
func (s *Server) LoadSeed(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("seed %s: not a directory", dir)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := cloneState(s.st)
	if err != nil {
		return err
	}
	for _, svc := range s.services {
		if svc.Seed == nil {
			continue
		}
		if err := svc.Seed(s, st, dir); err != nil {
			return err
		}
	}
	s.st = st
	return nil
}

func readSeedFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func cloneState(st *state) (*state, error) {
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	out := newState()
	err = json.Unmarshal(data, out)
	return out, err
}

func roleIDsByName(st *state, names []string) ([]string, error) {
	ids := []string{}
	for _, n := range names {
		ro := roleByName(st, n)
		if ro == nil {
			return nil, fmt.Errorf("unknown role %q", n)
		}
		if !slices.Contains(ids, ro.ID) {
			ids = append(ids, ro.ID)
		}
	}
	return ids, nil
}

func (s *Server) seedGroups(st *state, groups []seedGroup) error {
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
		if groupByName(st, g.Name) != nil {
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

func (s *Server) seedUsers(st *state, users []seedUser) error {
	for i, u := range users {
		where := fmt.Sprintf("users[%d] (%q)", i, u.Email)
		switch {
		case strings.TrimSpace(u.Subject) == "":
			return fmt.Errorf("%s: subject is required", where)
		case strings.TrimSpace(u.Email) == "":
			return fmt.Errorf("%s: email is required", where)
		case userBySubject(st, u.Subject) != nil:
			return fmt.Errorf("%s: duplicate subject %q", where, u.Subject)
		case userByEmail(st, u.Email) != nil:
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
			g := groupByName(st, gn)
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

// adoptSeedCaller makes the first seeded TenantAdmin the caller and drops
// the built-in bot user when it is unused.
func (s *Server) adoptSeedCaller(st *state) {
	admin := firstTenantAdmin(st)
	cur := Users.In(st)[st.CallerID]
	if admin == nil || cur == nil || cur.Subject != botSubject {
		return
	}
	st.CallerID = admin.ID
	for _, sp := range Spaces.In(st) {
		if sp.OwnerID == cur.ID {
			return
		}
	}
	for _, a := range Assignments.In(st) {
		if a.AssigneeID == cur.ID {
			return
		}
	}
	delete(Users.In(st), cur.ID)
}

func (s *Server) seedSpaces(st *state, spaces []seedSpace) error {
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
		owner := callerOf(st)
		if sp.Owner != "" {
			if owner = userByEmail(st, sp.Owner); owner == nil {
				return fmt.Errorf("%s: owner %q is not a user in users.yaml", where, sp.Owner)
			}
		}
		nsp := s.insertSpace(st, sp.Name, sp.Type, sp.Description, owner.ID)
		nsp.Apps = sp.Apps
		for j, m := range sp.Members {
			if err := s.seedMember(st, nsp, m); err != nil {
				return fmt.Errorf("%s: members[%d]: %w", where, j, err)
			}
		}
	}
	return nil
}

func (s *Server) seedMember(st *state, sp *space, m seedMember) error {
	in := assignmentCreate{Roles: m.Roles}
	switch {
	case m.User != "" && m.Group != "":
		return fmt.Errorf("set either user or group, not both")
	case m.User != "":
		u := userByEmail(st, m.User)
		if u == nil {
			return fmt.Errorf("user %q is not in users.yaml", m.User)
		}
		in.Type, in.AssigneeID = "user", u.ID
	case m.Group != "":
		g := groupByName(st, m.Group)
		if g == nil {
			return fmt.Errorf("group %q is not in groups.yaml", m.Group)
		}
		in.Type, in.AssigneeID = "group", g.ID
	default:
		return fmt.Errorf("set user or group")
	}
	if _, _, msg, status := s.addAssignment(st, sp, in); status != 0 {
		return errors.New(msg)
	}
	return nil
}
