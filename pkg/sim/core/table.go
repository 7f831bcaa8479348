package core

import (
	"encoding/json"
	"slices"
)

// A Table is one kind's rows in the tenant state, keyed by id. A service
// declares its tables once, at package level, with NewTable; every state
// then holds them, and SaveState writes each under its name. The methods
// are the create/get/list/update/delete shape most services repeat; they
// must be called with the state locked (Server.withState or Server.mu).
type Table[T any] struct{ name string }

type tableDef struct {
	name   string
	empty  func() any
	decode func(json.RawMessage) (any, error)
}

// tableDefs are the tables declared so far, in declaration order.
var tableDefs []tableDef

// NewTable declares a table saved under name in the state file. Names are
// unique: a second table with the same name is a programming error.
func NewTable[T any](name string) Table[T] {
	for _, d := range tableDefs {
		if d.name == name {
			panic("sim: table " + name + " declared twice")
		}
	}
	tableDefs = append(tableDefs, tableDef{
		name:  name,
		empty: func() any { return map[string]*T{} },
		decode: func(raw json.RawMessage) (any, error) {
			m := map[string]*T{}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			if m == nil { // "null" in the file
				m = map[string]*T{}
			}
			return m, nil
		},
	})
	return Table[T]{name: name}
}

// In returns the table's rows in st; writes to the map are writes to st.
func (t Table[T]) In(st *State) map[string]*T { return st.tables[t.name].(map[string]*T) }

// Get returns the row with id, or nil.
func (t Table[T]) Get(st *State, id string) *T { return t.In(st)[id] }

// Put stores v under id, replacing any row there.
func (t Table[T]) Put(st *State, id string, v *T) { t.In(st)[id] = v }

// Delete removes the row with id; an absent id is not an error.
func (t Table[T]) Delete(st *State, id string) { delete(t.In(st), id) }

// Len is the number of rows.
func (t Table[T]) Len(st *State) int { return len(t.In(st)) }

// Find returns a row for which match is true, or nil.
func (t Table[T]) Find(st *State, match func(*T) bool) *T {
	for _, v := range t.In(st) {
		if match(v) {
			return v
		}
	}
	return nil
}

// Count is the number of rows for which match is true.
func (t Table[T]) Count(st *State, match func(*T) bool) int {
	n := 0
	for _, v := range t.In(st) {
		if match(v) {
			n++
		}
	}
	return n
}

// List returns the rows for which keep is true (every row when keep is
// nil), ordered by cmp.
func (t Table[T]) List(st *State, keep func(*T) bool, cmp func(a, b *T) int) []*T {
	var out []*T
	for _, v := range t.In(st) {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	if cmp != nil {
		slices.SortFunc(out, cmp)
	}
	return out
}

// Set replaces every row of the table in st with rows (a map taken from
// another state, say, after an all-or-nothing import into a copy).
func (t Table[T]) Set(st *State, rows map[string]*T) { st.tables[t.name] = rows }
