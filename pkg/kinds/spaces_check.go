package kinds

import (
	"fmt"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Check refuses what the spaces API would refuse and the schema cannot see
// (the schema covers names, types and the roles each type allows):
//   - the owner as a member: Qlik gives the owner every role and answers an
//     assignment for them with 400;
//   - a user or group listed twice: Qlik keeps one assignment per assignee
//     and answers a second with 409.
func (spaces) Check(d resource.Document) []Problem {
	s, err := specOf[spaceSpec](d)
	if err != nil {
		return []Problem{{Field: "spec", Msg: err.Error()}}
	}
	var out []Problem
	owner, _ := resource.ParseUserRef(s.Owner)
	first := map[string]int{}
	for i, m := range s.Members {
		field := fmt.Sprintf("spec.members[%d].user", i)
		if m.Group != "" {
			field = fmt.Sprintf("spec.members[%d].group", i)
		}
		if m.User != "" && m.User == owner {
			out = append(out, Problem{Field: field, Msg: fmt.Sprintf("user %q is the space owner (spec.owner), who has every role; Qlik refuses a member entry for the owner", m.User)})
		}
		if j, dup := first[m.ref()]; dup {
			out = append(out, Problem{Field: field, Msg: fmt.Sprintf("%s is already a member at spec.members[%d]; Qlik keeps one entry per user or group, so merge their roles", m.ref(), j)})
			continue
		}
		first[m.ref()] = i
	}
	return out
}
