package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Selector names one resource for apply --only: its kind and its key as
// documents display it ("Finance", or "Finance/Finance Snowflake" for a
// resource that lives in a space).
type Selector struct {
	Kind string
	Name string
}

func (s Selector) String() string { return s.Kind + "/" + s.Name }

// ParseSelectors splits --only's value, KIND/NAME[,KIND/NAME...], into
// selectors. A comma starts a new selector only where what follows reads
// KIND/ with a kind isKind accepts, so a name may itself hold a comma.
func ParseSelectors(list []string, isKind func(string) bool) ([]Selector, error) {
	var out []Selector
	for _, item := range list {
		for _, part := range strings.Split(item, ",") {
			kind, name, ok := strings.Cut(part, "/")
			if ok && isKind(strings.TrimSpace(kind)) {
				out = append(out, Selector{Kind: strings.TrimSpace(kind), Name: name})
				continue
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("--only %q: want KIND/NAME, e.g. Space/Finance or DataConnection/Finance/Snowflake", part)
			}
			out[len(out)-1].Name += "," + part
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--only names no resource: want KIND/NAME, e.g. Space/Finance")
	}
	return out, nil
}

// Only is the set of resources an apply --only restores: the selected
// ones plus, transitively, every resource they reference (their space,
// their connections, their groups) that the snapshot has and the live
// tenant lacks, so that each can exist. A referenced resource the tenant
// already has is left as it is: --only changes nothing else. Resources the
// identity provider owns are never added (apply cannot create them; plan
// reports them as unresolved). A selector the snapshot does not hold is
// an error naming every such selector; nothing is selected then.
func Only(k Kinds, desired, live []resource.Document, sel []Selector) (map[resource.Key]bool, error) {
	byKey := map[resource.Key]resource.Document{}
	byDisplay := map[string]resource.Key{}
	for _, d := range desired {
		byKey[d.Key()] = d
		byDisplay[strings.ToLower(d.Kind)+"/"+d.Key().Display()] = d.Key()
	}
	inLive := keys(live)
	keep := map[resource.Key]bool{}
	var queue []resource.Key
	var missing []string
	for _, s := range sel {
		key, ok := byDisplay[strings.ToLower(s.Kind)+"/"+s.Name]
		if !ok {
			missing = append(missing, s.String())
			continue
		}
		if !keep[key] {
			keep[key] = true
			queue = append(queue, key)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("--only: not in the snapshot: %s", strings.Join(missing, ", "))
	}
	for len(queue) > 0 {
		d := byKey[queue[0]]
		queue = queue[1:]
		for _, r := range k.Refs(d) {
			_, inSnap := byKey[r.Key]
			if keep[r.Key] || !inSnap || inLive[r.Key] || k.Builtin(r.Key) || k.Policy(r.Key.Kind).IdPOwned {
				continue
			}
			keep[r.Key] = true
			queue = append(queue, r.Key)
		}
	}
	return keep, nil
}

// onlyKeys keeps the documents whose key is in keep; a nil keep keeps all.
func onlyKeys(docs []resource.Document, keep map[resource.Key]bool) []resource.Document {
	if keep == nil {
		return docs
	}
	var out []resource.Document
	for _, d := range docs {
		if keep[d.Key()] {
			out = append(out, d)
		}
	}
	return out
}
