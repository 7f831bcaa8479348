package kinds

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Registry is the explicit list of handlers, in wave order. Tests build
// their own.
type Registry struct {
	handlers []Handler
	waves    map[string]int
	// byName maps each folded kind name and folded folder to the first
	// handler, in wave order, that answers to it: Get runs for every
	// document an export writes, so it must not fold strings per handler.
	byName map[string]Handler
}

// Build makes a registry and computes each kind's wave from the kinds it
// declares it depends on: one above the highest of them, 0 for a kind that
// depends on nothing. A dependency cycle, a kind declared twice or a kind
// depending on itself is an error: no order of waves could satisfy it.
// Dependencies on kinds the registry does not hold are ignored, so a test
// may register one kind alone.
func Build(hs ...Handler) (*Registry, error) {
	byKind := map[string]Handler{}
	for _, h := range hs {
		if _, dup := byKind[h.Kind()]; dup {
			return nil, fmt.Errorf("kind %s is registered twice", h.Kind())
		}
		byKind[h.Kind()] = h
	}
	r := &Registry{handlers: append([]Handler(nil), hs...), waves: map[string]int{}}
	const (
		visiting = -1
	)
	var wave func(kind string, path []string) (int, error)
	wave = func(kind string, path []string) (int, error) {
		if w, ok := r.waves[kind]; ok {
			if w == visiting {
				return 0, fmt.Errorf("kinds depend on each other in a cycle: %s", strings.Join(append(path, kind), " -> "))
			}
			return w, nil
		}
		r.waves[kind] = visiting
		w := 0
		desc := byKind[kind].Declared()
		for _, dep := range append(append([]string(nil), desc.DependsOn...), desc.After...) {
			if _, ok := byKind[dep]; !ok {
				continue
			}
			dw, err := wave(dep, append(path, kind))
			if err != nil {
				return 0, err
			}
			w = max(w, dw+1)
		}
		r.waves[kind] = w
		return w, nil
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if _, err := wave(k, nil); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(r.handlers, func(i, j int) bool {
		a, b := r.handlers[i].Kind(), r.handlers[j].Kind()
		if r.waves[a] != r.waves[b] {
			return r.waves[a] < r.waves[b]
		}
		return a < b
	})
	r.byName = map[string]Handler{}
	for _, h := range r.handlers {
		for _, name := range []string{kindName(h.Kind()), kindName(h.Folder())} {
			if _, taken := r.byName[name]; !taken {
				r.byName[name] = h
			}
		}
	}
	return r, nil
}

// NewRegistry is Build for registries fixed in code, such as Default: a
// cycle there is a programming error, reported at start-up.
func NewRegistry(hs ...Handler) *Registry {
	r, err := Build(hs...)
	if err != nil {
		panic("kinds: " + err.Error())
	}
	return r
}

// init declares the kinds' list element identities to diff, which must
// not name any kind's fields itself.
func init() {
	for _, h := range Default().All() {
		for _, keys := range h.Declared().ElementKeys {
			diff.IdentifyElementsBy(keys...)
		}
	}
}

// Default is every kind qlikops manages. Adding a kind is its file plus a
// line here; the order does not matter.
func Default() *Registry {
	return NewRegistry(
		Roles,
		IPPolicies,
		IdentityProviders,
		Groups,
		Users,
		Spaces,
		DataConnections,
		AutomationConnections,
		Automations,
		Glossaries,
		Themes,
		Extensions,
		Apps,
		ReloadTasks,
		ReportTemplates,
		SharingTasks,
		Brands,
		OAuthClients,
		Webhooks,
		CspOrigins,
		WebIntegrations,
		TenantKind,
		TenantSettings,
		AuthSettings,
		ApiKeysConfig,
		GroupSettings,
		ItemsSettings,
		SharingSettings,
		LicenseSettings,
		LicenseAssignments,
		License,
		Collections,
	)
}

// All returns the handlers in wave order.
func (r *Registry) All() []Handler { return r.handlers }

// Get finds a handler by kind or folder, singular or plural, in any case:
// "Space", "space", "spaces", "Spaces", "data-connection", "DataConnections".
func (r *Registry) Get(name string) (Handler, bool) {
	// An exact kind name folds to itself, so one lookup of the folded name
	// finds the first handler matching by kind, folded kind or folder.
	h, ok := r.byName[kindName(name)]
	return h, ok
}

// kindName folds the spellings of a kind name that --kinds accepts: case,
// hyphens and underscores do not matter. Kind names are singular and
// folders plural, so comparing with both accepts either form without
// guessing English plurals (glossary, glossaries).
func kindName(s string) string {
	return kindNameFolder.Replace(strings.ToLower(s))
}

var kindNameFolder = strings.NewReplacer("-", "", "_", "")

// Folder implements snapshot.Layout: the top-level repo folder of a kind,
// which several kinds may share (Desc.Dir).
func (r *Registry) Folder(kind string) string {
	if h, ok := r.Get(kind); ok && h.Kind() == kind {
		return h.Declared().RepoDir()
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
		return r.waves[h.Kind()]
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
