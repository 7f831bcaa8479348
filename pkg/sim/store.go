package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// EveryoneGroupID is the fixed id of Qlik's built-in "Everyone" system group.
const EveryoneGroupID = "000000000000000000000001"

// botSubject is the subject of the built-in service user that acts as the
// API-key caller when the seed has no TenantAdmin.
const botSubject = "qlikops-bot"

type space struct {
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

type assignment struct {
	ID         string    `json:"id"`
	SpaceID    string    `json:"spaceId"`
	Type       string    `json:"type"`
	AssigneeID string    `json:"assigneeId"`
	Roles      []string  `json:"roles"`
	CreatedBy  string    `json:"createdBy"`
	UpdatedBy  string    `json:"updatedBy"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Seq        int64     `json:"seq"`
}

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

// state is the whole tenant. It is guarded by Server.mu and serialised as is
// by SaveState.
type state struct {
	Version     int                    `json:"version"`
	TenantID    string                 `json:"tenantId"`
	CallerID    string                 `json:"callerId"`
	Seq         int64                  `json:"seq"`
	IDCounter   int64                  `json:"idCounter"`
	Spaces      map[string]*space      `json:"spaces"`
	Assignments map[string]*assignment `json:"assignments"`
	Users       map[string]*user       `json:"users"`
	Groups      map[string]*group      `json:"groups"`
	Roles       map[string]*role       `json:"roles"`

	DataConnections       map[string]*dataConnection       `json:"dataConnections"`
	Automations           map[string]*automation           `json:"automations"`
	AutomationConnections map[string]*automationConnection `json:"automationConnections"`
	Glossaries            map[string]*glossary             `json:"glossaries"`
	Themes                map[string]*theme                `json:"themes"`
	Extensions            map[string]*extension            `json:"extensions"`
}

func newState() *state {
	st := &state{Version: 1}
	st.fillMaps()
	return st
}

// fillMaps replaces nil maps (a new state, or a state file that lacks a
// kind) with empty ones, so handlers never write to a nil map.
func (st *state) fillMaps() {
	fill(&st.Spaces)
	fill(&st.Assignments)
	fill(&st.Users)
	fill(&st.Groups)
	fill(&st.Roles)
	fill(&st.DataConnections)
	fill(&st.Automations)
	fill(&st.AutomationConnections)
	fill(&st.Glossaries)
	fill(&st.Themes)
	fill(&st.Extensions)
}

func fill[V any](m *map[string]V) {
	if *m == nil {
		*m = map[string]V{}
	}
}

// nextSeq returns a monotonically increasing number used for stable ordering.
func (st *state) nextSeq() int64 {
	st.Seq++
	return st.Seq
}

// newID returns a 24-hex id: random, or from a counter when deterministic.
func (st *state) newID(deterministic bool) string {
	if deterministic {
		st.IDCounter++
		return fmt.Sprintf("%024x", 0x100+st.IDCounter)
	}
	for {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		id := hex.EncodeToString(b)
		if id != EveryoneGroupID {
			return id
		}
	}
}

func newTenantID(deterministic bool) string {
	if deterministic {
		return "qliksim-deterministic-tenant-000"
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (st *state) spaceByName(name string) *space {
	for _, sp := range st.Spaces {
		if sp.Name == name {
			return sp
		}
	}
	return nil
}

func (st *state) groupByName(name string) *group {
	for _, g := range st.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func (st *state) roleByName(name string) *role {
	for _, r := range st.Roles {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func (st *state) userBySubject(subject string) *user {
	for _, u := range st.Users {
		if u.Subject == subject {
			return u
		}
	}
	return nil
}

func (st *state) userByEmail(email string) *user {
	for _, u := range st.Users {
		if u.Email != "" && strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

// spaceAssignments returns the assignment rows of one space.
func (st *state) spaceAssignments(spaceID string) []*assignment {
	var out []*assignment
	for _, a := range st.Assignments {
		if a.SpaceID == spaceID {
			out = append(out, a)
		}
	}
	return out
}

// spaceIsEmpty reports whether a space may be deleted. Qlik refuses to delete
// a space that still holds apps or other assets; members do not count.
// Resources that live in spaces are to be checked here as they are added.
func (st *state) spaceIsEmpty(spaceID string) bool {
	sp := st.Spaces[spaceID]
	if sp == nil {
		return true
	}
	return len(sp.Apps)+st.dataConnectionsInSpace(spaceID)+st.automationsInSpace(spaceID)+st.glossariesInSpace(spaceID) == 0
}

func (st *state) hasRole(u *user, roleName string) bool {
	for _, id := range u.RoleIDs {
		if r := st.Roles[id]; r != nil && r.Name == roleName {
			return true
		}
	}
	return false
}

// firstTenantAdmin returns the earliest created user with the TenantAdmin role
// that is not the built-in bot.
func (st *state) firstTenantAdmin() *user {
	var best *user
	for _, u := range st.Users {
		if u.Subject == botSubject || !st.hasRole(u, "TenantAdmin") {
			continue
		}
		if best == nil || u.Seq < best.Seq {
			best = u
		}
	}
	return best
}

func removeString(list []string, v string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s != v {
			out = append(out, s)
		}
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
