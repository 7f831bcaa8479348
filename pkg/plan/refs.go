package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// RefError is a reference that the run cannot satisfy: the target tenant
// lacks it and this run does not create it. It stops the run before any
// write. File and Line locate the field when Input.Locate could.
type RefError struct {
	From  resource.Key
	Field string
	To    resource.Key
	// Why the snapshot does not help; "" when it lacks the resource too.
	Why  string
	File string
	Line int
}

func (e *RefError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		fmt.Fprintf(&b, ": field %s: ", e.Field)
	} else {
		fmt.Fprintf(&b, "%s: field %s: ", e.From, e.Field)
	}
	if e.Why == "" {
		fmt.Fprintf(&b, "%s %q is neither in the tenant nor in the snapshot", strings.ToLower(e.To.Kind), e.To.Name)
	} else {
		fmt.Fprintf(&b, "%s %q is not in the tenant (%s)", strings.ToLower(e.To.Kind), e.To.Name, e.Why)
	}
	return b.String()
}

// errSkipHint follows reference errors that --allow-unresolved could let
// through, once, so the way out is named without repeating it per line.
var errSkipHint = errors.New("fix the references, or pass --allow-unresolved to skip them (apply then exits 3)")

// checkRefs validates the references of every wanted document against the
// live tenant and what this run creates. What neither satisfies is an error
// in the repo's own tenant, where it means a typo or a resource deleted by
// hand: applying would silently drop the member. In another tenant (a
// restore), or with AllowUnresolved, a user or group the tenant lacks is
// listed in p.Unresolved and the handler skips it. A container (a space) is
// never skipped: the resource that lives in it cannot be written anywhere
// else. Which kinds are containers or owned by the identity provider is
// the kinds' own declaration (resource.KindPolicy).
func checkRefs(k Kinds, in Input, want, live []resource.Document, p *Plan) error {
	inLive := keys(live)
	inRun := keys(want)
	inGit := keys(in.Desired)
	read := map[string]bool{}
	for _, kind := range append(in.LiveKinds, in.Scope...) {
		read[kind] = true
	}
	skippable := in.OtherTenant || in.AllowUnresolved
	unresolved := map[string]bool{}
	var errs []error
	hint := false
	for _, d := range want {
		for _, r := range k.Refs(d) {
			pol := k.Policy(r.Key.Kind)
			switch {
			case inLive[r.Key], k.Builtin(r.Key):
				continue
			case !pol.IdPOwned && inRun[r.Key]:
				// Created earlier in this apply, or reported by its own step.
				continue
			case !read[r.Key.Kind] && inGit[r.Key]:
				// Not read from the tenant, so not known to be missing.
				continue
			case skippable && !pol.Container:
				unresolved[fmt.Sprintf("%s: %s: %s %s is not in the target tenant", d.Key(), r.Field, strings.ToLower(r.Key.Kind), r.Key.Name)] = true
				continue
			}
			e := &RefError{From: d.Key(), Field: r.Field, To: r.Key}
			switch {
			case pol.IdPOwned:
				e.Why = strings.ToLower(r.Key.Kind) + "s come from the identity provider; apply never creates them"
			case inGit[r.Key]:
				e.Why = "the snapshot has it, but this run does not apply " + r.Key.Kind + " documents; add it to --kinds"
			}
			if in.Locate != nil {
				e.File, e.Line = in.Locate(d.Key(), r.Field)
			}
			hint = hint || !pol.Container
			errs = append(errs, e)
		}
	}
	for u := range unresolved {
		p.Unresolved = append(p.Unresolved, u)
	}
	sort.Strings(p.Unresolved)
	if hint {
		errs = append(errs, errSkipHint)
	}
	return errors.Join(errs...)
}

func keys(docs []resource.Document) map[resource.Key]bool {
	m := make(map[resource.Key]bool, len(docs))
	for _, d := range docs {
		m[d.Key()] = true
	}
	return m
}
