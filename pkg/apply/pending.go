package apply

import (
	"sort"

	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Pending is the needs-re-entry list after this apply: the plan's list,
// minus the secrets that steps wrote and the resources they deleted, plus
// what the resources they created still need. A create replaces the entry:
// it made a new resource, which has only the secrets it was given.
func (r Report) Pending(p *plan.Plan) []plan.Pending {
	byKey := map[resource.Key]map[string]bool{}
	for _, pe := range p.NeedsReentry {
		byKey[pe.Key()] = setOf(pe.Secrets)
	}
	for _, o := range r.Outcomes {
		if o.Status != Done {
			continue
		}
		switch o.Action {
		case plan.Create:
			byKey[o.Key()] = setOf(o.NeedsReentry)
		case plan.Delete:
			delete(byKey, o.Key())
		case plan.Update, plan.WriteSecrets:
			for _, n := range o.Secrets {
				delete(byKey[o.Key()], n)
			}
		}
	}
	out := []plan.Pending{}
	for k, names := range byKey {
		if len(names) == 0 {
			continue
		}
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		out = append(out, plan.Pending{Kind: k.Kind, Space: k.Space, Name: k.Name, Secrets: list})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key().Less(out[j].Key()) })
	return out
}

func setOf(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}
