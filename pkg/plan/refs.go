package plan

import (
	"errors"
	"fmt"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
)

// RefError is a reference that neither the snapshot nor the target tenant can
// satisfy. It stops the run before any write.
type RefError struct {
	From  resource.Key
	Field string
	To    resource.Key
}

func (e *RefError) Error() string {
	return fmt.Sprintf("%s: %s: %s %q is neither in the snapshot nor in the tenant", e.From, e.Field, e.To.Kind, e.To.Name)
}

// checkRefs validates the references of every wanted document. A user the
// target lacks is not an error: users come from the identity provider, so
// the member is skipped and reported. Likewise for identity-provider groups
// that are in the snapshot but not yet in the tenant.
func checkRefs(k Kinds, want, desired, live []resource.Document, p *Plan) error {
	inLive := keys(live)
	inGit := keys(desired)
	unresolved := map[string]bool{}
	var errs []error
	for _, d := range want {
		for _, r := range k.Refs(d) {
			switch {
			case inLive[r.Key], k.Builtin(r.Key):
			case r.Key.Kind == "User":
				unresolved[fmt.Sprintf("%s: user %s is not in the target tenant", d.Key(), r.Key.Name)] = true
			case inGit[r.Key]:
				// Created earlier in this apply, or reported by its own step.
			default:
				errs = append(errs, &RefError{From: d.Key(), Field: r.Field, To: r.Key})
			}
		}
	}
	for u := range unresolved {
		p.Unresolved = append(p.Unresolved, u)
	}
	sort.Strings(p.Unresolved)
	return errors.Join(errs...)
}

func keys(docs []resource.Document) map[resource.Key]bool {
	m := make(map[resource.Key]bool, len(docs))
	for _, d := range docs {
		m[d.Key()] = true
	}
	return m
}
