package core

// This file is the tenant's directory: the users, groups and roles that auth
// resolves the caller through, and the spaces every service files content
// under. Core holds their rows and lookups so that a service can ask "who is
// calling", "is this a space" or "whose email is this" without importing the
// identity or spaces service; those services own the routes and seeds.

import (
	"fmt"
	"strings"
	"time"
)

// EveryoneGroupID is the fixed id of Qlik's built-in "Everyone" system group.
const EveryoneGroupID = "000000000000000000000001"

// botSubject is the subject of the built-in service user that acts as the
// API-key caller when the seed has no TenantAdmin.
const BotSubject = "qlikops-bot"

type User struct {
	ID                string    `json:"id"`
	Subject           string    `json:"subject"`
	Name              string    `json:"name"`
	Email             string    `json:"email"`
	Status            string    `json:"status"`
	Picture           string    `json:"picture,omitempty"`
	PreferredLocale   string    `json:"preferredLocale,omitempty"`
	PreferredZoneinfo string    `json:"preferredZoneinfo,omitempty"`
	RoleIDs           []string  `json:"roleIds"`
	GroupIDs          []string  `json:"groupIds"`
	CreatedAt         time.Time `json:"createdAt"`
	LastUpdatedAt     time.Time `json:"lastUpdatedAt"`
	Seq               int64     `json:"seq"`
}

type Group struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description,omitempty"`
	ProviderType  string    `json:"providerType"`
	Status        string    `json:"status"`
	RoleIDs       []string  `json:"roleIds"`
	System        bool      `json:"system,omitempty"`
	CreatedBy     string    `json:"createdBy"`
	UpdatedBy     string    `json:"updatedBy"`
	CreatedAt     time.Time `json:"createdAt"`
	LastUpdatedAt time.Time `json:"lastUpdatedAt"`
	Seq           int64     `json:"seq"`
}

type Role struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	Level       string   `json:"level"`
	Permissions []string `json:"permissions"`
	// AssignedScopes are a custom role's scopes; default roles have none.
	AssignedScopes []string  `json:"assignedScopes,omitempty"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt,omitempty"`
	Seq            int64     `json:"seq"`
}

func GroupByName(st *State, name string) *Group {
	for _, g := range Groups.In(st) {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func RoleByName(st *State, name string) *Role {
	for _, r := range Roles.In(st) {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func UserBySubject(st *State, subject string) *User {
	for _, u := range Users.In(st) {
		if u.Subject == subject {
			return u
		}
	}
	return nil
}

func UserByEmail(st *State, email string) *User {
	for _, u := range Users.In(st) {
		if u.Email != "" && strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

func HasRole(st *State, u *User, roleName string) bool {
	for _, id := range u.RoleIDs {
		if r := Roles.In(st)[id]; r != nil && r.Name == roleName {
			return true
		}
	}
	return false
}

// firstTenantAdmin returns the earliest created user with the TenantAdmin role
// that is not the built-in bot.
func FirstTenantAdmin(st *State) *User {
	var best *User
	for _, u := range Users.In(st) {
		if u.Subject == BotSubject || !HasRole(st, u, "TenantAdmin") {
			continue
		}
		if best == nil || u.Seq < best.Seq {
			best = u
		}
	}
	return best
}

// caller is the user the API key (or OAuth token) acts as.
func CallerOf(st *State) *User { return Users.In(st)[st.CallerID] }

// Users, Groups and Roles are the tables of the identity service.
var (
	Users  = NewTable[User]("users")
	Groups = NewTable[Group]("groups")
	Roles  = NewTable[Role]("roles")
)

type Space struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Type        string    `json:"type"`
	Description string    `json:"description"`
	OwnerID     string    `json:"ownerId"`
	CreatedBy   string    `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Seq         int64     `json:"seq"`
	// Apps is content the simulator holds only by name (see seedSpace).
	Apps []string `json:"apps,omitempty"`
}

func SpaceByName(st *State, name string) *Space {
	for _, sp := range Spaces.In(st) {
		if sp.Name == name {
			return sp
		}
	}
	return nil
}

// seedSpaceID resolves the space name of a seed entry; "" is personal.
func SeedSpaceID(st *State, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if sp := SpaceByName(st, name); sp != nil {
		return sp.ID, nil
	}
	return "", fmt.Errorf("space %q is not in spaces.yaml", name)
}

// seedOwner resolves the owner email of a seed entry; "" is the API-key
// caller.
func (s *Server) SeedOwner(st *State, email string) (*User, error) {
	if email == "" {
		return CallerOf(st), nil
	}
	if u := UserByEmail(st, email); u != nil {
		return u, nil
	}
	return nil, fmt.Errorf("owner %q is not a user in users.yaml", email)
}

// Spaces is the table of the spaces service, here because every service
// checks the space its content names.
var Spaces = NewTable[Space]("spaces")
