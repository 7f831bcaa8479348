package kinds

import (
	"context"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Handler is everything qlikops knows about one resource kind.
type Handler interface {
	// Kind is the document kind, e.g. "Space".
	Kind() string
	// Folder is the repo folder and the name used by --kinds, e.g. "spaces".
	Folder() string
	// Declared is the kind's descriptor: what it depends on (from which the
	// registry computes waves), its collection and its policy flags.
	Declared() Desc
	// Read lists the kind in the tenant as documents. A failed read is an
	// error, never an empty list.
	Read(ctx context.Context, t *Tenant) ([]resource.Document, error)
	// Refs are the resources a document points at, by natural key.
	Refs(d resource.Document) []resource.Ref
	Create(ctx context.Context, t *Tenant, want resource.Document) (Result, error)
	Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error)
	Delete(ctx context.Context, t *Tenant, have resource.Document) (Result, error)
}

// Result tells what a write did beyond succeeding.
type Result struct {
	// Skipped is set when the handler deliberately wrote nothing, e.g. a user
	// the identity provider owns. It says why.
	Skipped string
	// Unresolved names references that the target tenant cannot satisfy and
	// that were left out, e.g. a member whose user does not exist there.
	Unresolved []string
	// NotApplied names wanted changes the API does not allow, e.g. the
	// description of an identity-provider group. The rest was applied.
	NotApplied []string
	// NeedsReentry names secrets (placeholder names) that were not supplied
	// for a resource that had to be created without them.
	NeedsReentry []string
	// Notes are what a user must know about a write that succeeded, e.g.
	// that a restored app needs a reload before it shows current data.
	Notes []string
	// ID is the id the tenant gave a created resource, so that apply can
	// teach the resolver about it for the steps of later waves.
	ID string
	// Issued are secrets the tenant generated for the resource and returned
	// this once (an OAuth client's secret), for apply to show once.
	Issued []IssuedSecret
}

// Problem is a field of a document that breaks a rule of the API that the
// kind's JSON Schema cannot express, such as a rule across fields.
type Problem struct {
	Field string // as errors name it: spec.members[2].user
	Msg   string
}

// Checker is implemented by kinds with such rules, so that a document that
// would be refused is refused before the first write, not halfway through.
type Checker interface {
	Check(d resource.Document) []Problem
}

// Check runs the kind's own rules on a document that passed its schema.
func (r *Registry) Check(d resource.Document) []Problem {
	if h, ok := r.Get(d.Kind); ok {
		if c, ok := h.(Checker); ok {
			return c.Check(d)
		}
	}
	return nil
}

// Refs of a document, from its kind's handler.
func (r *Registry) Refs(d resource.Document) []resource.Ref {
	if h, ok := r.Get(d.Kind); ok {
		return h.Refs(d)
	}
	return nil
}

// Builtin reports resources that exist in every tenant without being
// listed, as their kind declares them.
func (r *Registry) Builtin(k resource.Key) bool {
	_, ok := r.Policy(k.Kind).Builtin[k.Name]
	return ok
}

// Policy is the declared policy of a kind; the zero policy for a kind the
// registry does not hold.
func (r *Registry) Policy(kind string) resource.KindPolicy {
	if h, ok := r.Get(kind); ok && h.Kind() == kind {
		return h.Declared().Policy
	}
	return resource.KindPolicy{}
}

// Directories are the kinds references resolve against, which every plan
// reads from the tenant whatever --kinds selects.
func (r *Registry) Directories() []Handler {
	var out []Handler
	for _, h := range r.handlers {
		if h.Declared().Policy.Directory {
			out = append(out, h)
		}
	}
	return out
}

// Recreator is a handler that knows documents the snapshot cannot recreate.
type Recreator interface {
	// CannotRecreate gives the reason, or "" when a create can succeed.
	CannotRecreate(d resource.Document) string
}

// Provisioned is a handler some or all of whose documents the identity
// provider creates, never apply: users, and the groups it syncs.
type Provisioned interface {
	// FromIdentityProvider reports whether the identity provider creates d.
	// If so, manual is what an admin does to bring it back, and seedRow is
	// what the identity provider holds about it as a row of qliksim's seed
	// file <folder>.yaml, so that a rehearsal can stand in for it.
	FromIdentityProvider(d resource.Document) (manual string, seedRow map[string]any, ok bool)
}

// FromIdentityProvider asks the document's handler whether the identity
// provider creates it (see Provisioned).
func (r *Registry) FromIdentityProvider(d resource.Document) (string, map[string]any, bool) {
	if h, ok := r.Get(d.Kind); ok {
		if p, ok := h.(Provisioned); ok {
			return p.FromIdentityProvider(d)
		}
	}
	return "", nil, false
}

// SecretWriter is a handler that can write some secrets of a resource and
// nothing else, for re-entry after a restore and for rotation.
type SecretWriter interface {
	// WriteSecrets writes the named placeholders' values (all supplied) to
	// the resource have describes, keeping everything else as it is.
	WriteSecrets(ctx context.Context, t *Tenant, want, have resource.Document, names []string) (Result, error)
}

// CannotRecreate asks the document's handler whether the snapshot can
// recreate it.
func (r *Registry) CannotRecreate(d resource.Document) string {
	if h, ok := r.Get(d.Kind); ok {
		if rc, ok := h.(Recreator); ok {
			return rc.CannotRecreate(d)
		}
	}
	return ""
}

// PlanNoter is a handler with something to tell a reviewer about an update
// step beyond its field changes, such as a difference apply cannot write
// in place.
type PlanNoter interface {
	PlanNotes(want, have resource.Document) []string
}

// PlanNotes asks the document's handler for its notes on an update step.
func (r *Registry) PlanNotes(want, have resource.Document) []string {
	if h, ok := r.Get(want.Kind); ok {
		if n, ok := h.(PlanNoter); ok {
			return n.PlanNotes(want, have)
		}
	}
	return nil
}
