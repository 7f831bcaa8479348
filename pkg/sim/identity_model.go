package sim

import (
	"strings"
	"time"
)

// EveryoneGroupID is the fixed id of Qlik's built-in "Everyone" system group.
const EveryoneGroupID = "000000000000000000000001"

// botSubject is the subject of the built-in service user that acts as the
// API-key caller when the seed has no TenantAdmin.
const botSubject = "qlikops-bot"

type user struct {
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

type group struct {
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

type role struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Type        string    `json:"type"`
	Level       string    `json:"level"`
	Permissions []string  `json:"permissions"`
	CreatedAt   time.Time `json:"createdAt"`
	Seq         int64     `json:"seq"`
}

func groupByName(st *state, name string) *group {
	for _, g := range Groups.In(st) {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func roleByName(st *state, name string) *role {
	for _, r := range Roles.In(st) {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func userBySubject(st *state, subject string) *user {
	for _, u := range Users.In(st) {
		if u.Subject == subject {
			return u
		}
	}
	return nil
}

func userByEmail(st *state, email string) *user {
	for _, u := range Users.In(st) {
		if u.Email != "" && strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

func hasRole(st *state, u *user, roleName string) bool {
	for _, id := range u.RoleIDs {
		if r := Roles.In(st)[id]; r != nil && r.Name == roleName {
			return true
		}
	}
	return false
}

// firstTenantAdmin returns the earliest created user with the TenantAdmin role
// that is not the built-in bot.
func firstTenantAdmin(st *state) *user {
	var best *user
	for _, u := range Users.In(st) {
		if u.Subject == botSubject || !hasRole(st, u, "TenantAdmin") {
			continue
		}
		if best == nil || u.Seq < best.Seq {
			best = u
		}
	}
	return best
}

// caller is the user the API key (or OAuth token) acts as.
func callerOf(st *state) *user { return Users.In(st)[st.CallerID] }

// Users, Groups and Roles are the tables of the identity service.
var (
	Users  = NewTable[user]("users")
	Groups = NewTable[group]("groups")
	Roles  = NewTable[role]("roles")
)
