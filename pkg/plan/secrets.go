package plan

import (
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// WriteSecrets writes some secrets of a resource and nothing else: secrets
// that an earlier apply could not (re-entry) or, with --rewrite-secrets,
// every supplied one (rotation). Secret values cannot be read back, so this
// is the only way a supplied secret reaches a resource that did not change.
const WriteSecrets Action = "write-secrets"

// Why a WriteSecrets step writes.
const (
	Reentry = "re-enter"
	Rewrite = "rewrite"
)

// Pending is a resource whose secrets an earlier apply could not write: it
// was created without them. It stays on the needs-re-entry list (on the runs
// ref) until an apply supplies them.
type Pending struct {
	Kind    string   `json:"kind"`
	Space   string   `json:"space,omitempty"`
	Name    string   `json:"name"`
	Secrets []string `json:"secrets"`
}

// Key of the pending resource.
func (p Pending) Key() resource.Key { return resource.Key{Kind: p.Kind, Space: p.Space, Name: p.Name} }

// Blocked is a resource the snapshot cannot recreate, and why.
type Blocked struct {
	Kind   string `json:"kind"`
	Space  string `json:"space,omitempty"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Key of the blocked resource.
func (b Blocked) Key() resource.Key { return resource.Key{Kind: b.Kind, Space: b.Space, Name: b.Name} }

// Recreator is implemented by Kinds that know of documents the snapshot
// cannot recreate (an automation exported without its definition).
type Recreator interface {
	// CannotRecreate gives the reason, or "" when the document can be created.
	CannotRecreate(d resource.Document) string
}

// Placeholders lists the secret placeholder names anywhere in a document's
// spec, sorted.
func Placeholders(d resource.Document) []string {
	set := map[string]bool{}
	collectPlaceholders(d.Spec, set)
	return sortedKeys(set)
}

func collectPlaceholders(v any, into map[string]bool) {
	switch v := v.(type) {
	case string:
		for _, n := range secrets.Names(v) {
			into[n] = true
		}
	case map[string]any:
		for _, e := range v {
			collectPlaceholders(e, into)
		}
	case []any:
		for _, e := range v {
			collectPlaceholders(e, into)
		}
	}
}

// secretSteps adds a WriteSecrets step for every resource that no other step
// writes and that has secrets to write: the pending ones that are now
// supplied, or with rewrite every supplied one. A resource that is updated
// anyway gets its supplied secrets from that step, which then names the
// pending ones it settles.
func secretSteps(k Kinds, in Input, want, have []resource.Document, p *Plan) {
	stepped := map[resource.Key]int{}
	for i, s := range p.Steps {
		stepped[s.Key()] = i
	}
	live := map[resource.Key]*resource.Document{}
	for i := range have {
		live[have[i].Key()] = &have[i]
	}
	pending := map[resource.Key][]string{}
	for _, pe := range in.Pending {
		pending[pe.Key()] = pe.Secrets
	}
	for i := range want {
		d := &want[i]
		h := live[d.Key()]
		if h == nil {
			continue
		}
		names, why := supplied(pending[d.Key()], in.Supplied, Reentry)
		if j, ok := stepped[d.Key()]; ok {
			if p.Steps[j].Action == Update && len(names) > 0 {
				p.Steps[j].Secrets, p.Steps[j].Why = names, why
			}
			continue
		}
		if in.RewriteSecrets {
			names, why = supplied(Placeholders(*d), in.Supplied, Rewrite)
		}
		if len(names) == 0 {
			continue
		}
		p.Steps = append(p.Steps, Step{Action: WriteSecrets, Kind: d.Kind, Space: d.Metadata.Space, Name: d.Metadata.Name,
			Wave: k.Wave(d.Kind), Secrets: names, Why: why, Want: d, Have: h})
	}
}

func supplied(names []string, has diff.Supplied, why string) ([]string, string) {
	var out []string
	for _, n := range names {
		if has != nil && has(n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, why
}

// currentPending is the needs-re-entry list restricted to what the snapshot
// still asks for: resources in scope that still exist in it, secrets it still
// names. Resources outside the scope (or outside --only) keep their
// entries untouched.
func currentPending(in Input, want []resource.Document) []Pending {
	inScope := map[string]bool{}
	for _, k := range in.Scope {
		inScope[k] = true
	}
	byKey := map[resource.Key]resource.Document{}
	for _, d := range want {
		byKey[d.Key()] = d
	}
	var out []Pending
	for _, pe := range in.Pending {
		if inScope[pe.Kind] && (in.Only == nil || in.Only[pe.Key()]) {
			d, ok := byKey[pe.Key()]
			if !ok {
				continue
			}
			pe.Secrets = intersect(pe.Secrets, Placeholders(d))
		}
		if len(pe.Secrets) > 0 {
			out = append(out, pe)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key().Less(out[j].Key()) })
	return out
}

func intersect(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range b {
		set[s] = true
	}
	var out []string
	for _, s := range a {
		if set[s] {
			out = append(out, s)
		}
	}
	return out
}

// cannotRestore moves creates the snapshot cannot carry out out of the
// steps: they are reported once, with the reason, and planned never.
func cannotRestore(k Kinds, p *Plan) {
	r, ok := k.(Recreator)
	if !ok {
		return
	}
	kept := p.Steps[:0]
	for _, s := range p.Steps {
		if s.Action == Create && s.Want != nil {
			if why := r.CannotRecreate(*s.Want); why != "" {
				p.CannotRestore = append(p.CannotRestore, Blocked{Kind: s.Kind, Space: s.Space, Name: s.Name, Reason: why})
				continue
			}
		}
		kept = append(kept, s)
	}
	p.Steps = kept
}

// ShortSecret is the last part of a placeholder name ("password"), for
// one-line step descriptions.
func ShortSecret(name string) string {
	return name[strings.LastIndex(name, "/")+1:]
}
