package spaces

import (
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

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

// spaceAssignments returns the assignment rows of one space.
func spaceAssignments(st *core.State, spaceID string) []*assignment {
	var out []*assignment
	for _, a := range Assignments.In(st) {
		if a.SpaceID == spaceID {
			out = append(out, a)
		}
	}
	return out
}

// Assignments is the spaces service's table of space members.
var (
	Assignments = core.NewTable[assignment]("assignments")
)
