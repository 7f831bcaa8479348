package core

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// state is the whole tenant: the counters every service shares and one
// table per registered kind (see Table). It is guarded by Server.mu and
// serialised by SaveState.
type State struct {
	Version   int
	TenantID  string
	CallerID  string
	Seq       int64
	IDCounter int64
	tables    map[string]any // table name -> map[string]*T
}

func newState() *State {
	st := &State{Version: 1, tables: map[string]any{}}
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
func (st *State) MarshalJSON() ([]byte, error) {
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
func (st *State) UnmarshalJSON(data []byte) error {
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
func (st *State) NextSeq() int64 {
	st.Seq++
	return st.Seq
}

// newID returns a 24-hex id: random, or from a counter when deterministic.
func (st *State) NewID(deterministic bool) string {
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

func RemoveString(list []string, v string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s != v {
			out = append(out, s)
		}
	}
	return out
}

func ContainsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
