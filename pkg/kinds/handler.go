package kinds

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Handler is everything qlikops knows about one resource kind.
type Handler interface {
	// Kind is the document kind, e.g. "Space".
	Kind() string
	// Folder is the repo folder and the name used by --kinds, e.g. "spaces".
	Folder() string
	// Wave orders apply: lower waves are created first and deleted last.
	Wave() int
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
}

// Registry is the explicit, ordered list of handlers. Tests build their own.
type Registry struct {
	handlers []Handler
}

// NewRegistry builds a registry; the order given does not matter.
func NewRegistry(hs ...Handler) *Registry {
	r := &Registry{handlers: append([]Handler(nil), hs...)}
	sort.SliceStable(r.handlers, func(i, j int) bool {
		a, b := r.handlers[i], r.handlers[j]
		if a.Wave() != b.Wave() {
			return a.Wave() < b.Wave()
		}
		return a.Kind() < b.Kind()
	})
	return r
}

// Default is every kind qlikops manages.
func Default() *Registry {
	return NewRegistry(
		Groups{},
		Users{},
		Spaces{},
		DataConnections{},
		AutomationConnections{},
		Automations{},
		Glossaries{},
		Themes,
		Extensions,
	)
}

// All returns the handlers in wave order.
func (r *Registry) All() []Handler { return r.handlers }

// Get finds a handler by kind or folder, singular or plural, in any case:
// "Space", "space", "spaces", "Spaces", "data-connection", "DataConnections".
func (r *Registry) Get(name string) (Handler, bool) {
	want := kindName(name)
	for _, h := range r.handlers {
		if h.Kind() == name || kindName(h.Kind()) == want || kindName(h.Folder()) == want {
			return h, true
		}
	}
	return nil, false
}

// kindName folds the spellings of a kind name that --kinds accepts: case,
// hyphens and underscores do not matter. Kind names are singular and
// folders plural, so comparing with both accepts either form without
// guessing English plurals (glossary, glossaries).
func kindName(s string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
}

// Folder implements snapshot.Layout.
func (r *Registry) Folder(kind string) string {
	if h, ok := r.Get(kind); ok && h.Kind() == kind {
		return h.Folder()
	}
	return ""
}

// Files implements snapshot.Layout: kinds with side files say how they are
// laid out by implementing FileLayouter.
func (r *Registry) Files(kind string) resource.FileLayout {
	if h, ok := r.Get(kind); ok {
		if fl, ok := h.(FileLayouter); ok {
			return fl.FileLayout()
		}
	}
	return resource.FileLayout{}
}

// FileLayouter is implemented by kinds whose documents carry side files.
type FileLayouter interface {
	FileLayout() resource.FileLayout
}

// Wave of a kind, for plans.
func (r *Registry) Wave(kind string) int {
	if h, ok := r.Get(kind); ok {
		return h.Wave()
	}
	return 0
}

// Select applies --kinds and --exclude-kinds, the same way in every command.
// Empty include means all. Unknown names are an error listing the known ones,
// and so is a selection that leaves no kind.
func (r *Registry) Select(include, exclude []string) ([]Handler, error) {
	pick := map[string]bool{}
	for _, name := range include {
		h, ok := r.Get(name)
		if !ok {
			return nil, r.unknown(name)
		}
		pick[h.Kind()] = true
	}
	drop := map[string]bool{}
	for _, name := range exclude {
		h, ok := r.Get(name)
		if !ok {
			return nil, r.unknown(name)
		}
		drop[h.Kind()] = true
	}
	var out []Handler
	for _, h := range r.handlers {
		if (len(include) == 0 || pick[h.Kind()]) && !drop[h.Kind()] {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return nil, noKindSelected(include, exclude)
	}
	return out, nil
}

// ErrNoKindSelected is a selection that leaves nothing: a command that
// checked no kind must never look like a clean result.
var ErrNoKindSelected = errors.New("no kind selected")

func noKindSelected(include, exclude []string) error {
	if len(include) == 0 {
		return fmt.Errorf("%w: --exclude-kinds %s excludes every kind", ErrNoKindSelected, strings.Join(exclude, ","))
	}
	return fmt.Errorf("%w: every kind of %s is excluded by --exclude-kinds %s", ErrNoKindSelected, strings.Join(include, ","), strings.Join(exclude, ","))
}

func (r *Registry) unknown(name string) error {
	var known []string
	for _, h := range r.handlers {
		known = append(known, h.Folder())
	}
	return fmt.Errorf("unknown kind %q (known: %s)", name, strings.Join(known, ", "))
}

// Kinds lists the kind names of handlers.
func Kinds(hs []Handler) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Kind()
	}
	return out
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

// Builtin reports resources that exist in every tenant without being listed.
func (r *Registry) Builtin(k resource.Key) bool {
	return k.Kind == "Group" && k.Name == everyoneGroupName
}

// Recreator is a handler that knows documents the snapshot cannot recreate.
type Recreator interface {
	// CannotRecreate gives the reason, or "" when a create can succeed.
	CannotRecreate(d resource.Document) string
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
