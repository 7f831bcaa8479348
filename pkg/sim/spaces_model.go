package sim

import (
	"time"
)

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

func spaceByName(st *state, name string) *space {
	for _, sp := range Spaces.In(st) {
		if sp.Name == name {
			return sp
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

// Spaces and Assignments are the tables of the spaces service.
var (
	Spaces      = NewTable[space]("spaces")
	Assignments = NewTable[assignment]("assignments")
)
