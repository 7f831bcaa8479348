package sim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

// state is the whole tenant: the counters every service shares and one
// table per registered kind (see Table). It is guarded by Server.mu and
// serialised by SaveState.
type state struct {
	Version   int
	TenantID  string
	CallerID  string
	Seq       int64
	IDCounter int64
	tables    map[string]any // table name -> map[string]*T
}

func newState() *state {
	st := &state{Version: 1, tables: map[string]any{}}
	for _, d := range tableDefs {
		st.tables[d.name] = d.empty()
	}
	return st
}

// stateHeader is the part of the state file that is not a table.
type stateHeader struct {
	Version   int    `json:"version"`
	TenantID  string `json:"tenantId"`
	CallerID  string `json:"callerId"`
	Seq       int64  `json:"seq"`
	IDCounter int64  `json:"idCounter"`
}

// MarshalJSON writes the header fields and every table under its name.
func (st *state) MarshalJSON() ([]byte, error) {
	out := map[string]any{"version": st.Version, "tenantId": st.TenantID, "callerId": st.CallerID,
		"seq": st.Seq, "idCounter": st.IDCounter}
	for name, t := range st.tables {
		out[name] = t
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a state file. A table the file lacks (an older file,
// or a kind added since) starts empty; names no service registered are
// ignored.
func (st *state) UnmarshalJSON(data []byte) error {
	var h stateHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*st = *newState()
	st.Version, st.TenantID, st.CallerID, st.Seq, st.IDCounter = h.Version, h.TenantID, h.CallerID, h.Seq, h.IDCounter
	for _, d := range tableDefs {
		if r, ok := raw[d.name]; ok {
			t, err := d.decode(r)
			if err != nil {
				return fmt.Errorf("%s: %w", d.name, err)
			}
			st.tables[d.name] = t
		}
	}
	return nil
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

func spaceByName(st *state, name string) *space {
	for _, sp := range Spaces.In(st) {
		if sp.Name == name {
			return sp
		}
	}
	return nil
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

// spaceAssignments returns the assignment rows of one space.
func spaceAssignments(st *state, spaceID string) []*assignment {
	var out []*assignment
	for _, a := range Assignments.In(st) {
		if a.SpaceID == spaceID {
			out = append(out, a)
		}
	}
	return out
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

// The tables of spaces, users, groups and roles.
var (
	Spaces      = NewTable[space]("spaces")
	Assignments = NewTable[assignment]("assignments")
	Users       = NewTable[user]("users")
	Groups      = NewTable[group]("groups")
	Roles       = NewTable[role]("roles")
)
