package ops

import (
	"sort"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/store"
)

// RestoreClass is what restoring one resource from a snapshot takes.
type RestoreClass string

// The classes, in the order the report lists them. A resource has exactly
// one: the first of these that applies, reading up from Direct (so a
// resource that cannot be restored is never also listed as re-entry).
const (
	RestoresDirectly RestoreClass = "direct"
	NeedsReentry     RestoreClass = "re-entry"
	NeedsReload      RestoreClass = "reload"
	NewID            RestoreClass = "new-id"
	CannotRestore    RestoreClass = "cannot-restore"
	Manual           RestoreClass = "manual"
)

// RestoreClasses are every class, in report order.
var RestoreClasses = []RestoreClass{RestoresDirectly, NeedsReentry, NeedsReload, NewID, CannotRestore, Manual}

// Title is the class as a heading.
func (c RestoreClass) Title() string {
	return map[RestoreClass]string{
		RestoresDirectly: "Restores directly",
		NeedsReentry:     "Restores, but needs re-entry of secrets",
		NeedsReload:      "Restores, but needs a reload",
		NewID:            "Restores under a new id",
		CannotRestore:    "Cannot be restored from this snapshot",
		Manual:           "Manual",
	}[c]
}

// RestoreEntry is one resource of the snapshot and what its restore takes.
type RestoreEntry struct {
	Kind  string       `json:"kind"`
	Space string       `json:"space,omitempty"`
	Name  string       `json:"name"`
	Class RestoreClass `json:"class"`
	// Why is the reason a resource cannot be restored, or what to do: the
	// reload, the references to re-point, the manual step.
	Why string `json:"why,omitempty"`
	// Secrets are the placeholders to supply (names, never values).
	Secrets []string `json:"secrets,omitempty"`
	// ID is the resource's id in the snapshot: for a new id, the one whose
	// references change.
	ID string `json:"id,omitempty"`
	// Notes are what else applies beside the class (an app that needs a
	// reload gets a new id too when it is imported).
	Notes []string `json:"notes,omitempty"`
}

// Key of the entry's resource.
func (e RestoreEntry) Key() resource.Key {
	return resource.Key{Kind: e.Kind, Space: e.Space, Name: e.Name}
}

// RestoreReport classifies every resource of a snapshot.
type RestoreReport struct {
	Commit string `json:"commit"`
	// Totals counts per kind and class; Classes totals the classes.
	Totals  map[string]map[RestoreClass]int `json:"totals"`
	Classes map[RestoreClass]int            `json:"classes"`
	Entries []RestoreEntry                  `json:"entries"`
}

// Restorable reports whether a class is restored by apply, so that a
// rehearsal must bring it back identical.
func (c RestoreClass) Restorable() bool { return c != CannotRestore && c != Manual }

// RestoreReportOf reads a revision of the repo, and nothing else, and
// classifies every resource of the selected kinds.
func RestoreReportOf(env Env, ref string) (RestoreReport, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return RestoreReport{}, err
	}
	snap, err := LoadSnapshot(repo, env.Registry, ref)
	if err != nil {
		return RestoreReport{}, err
	}
	hs, err := env.Registry.Select(env.Include, env.Exclude)
	if err != nil {
		return RestoreReport{}, err
	}
	return classifySnapshot(env.Registry, snap.Commit, only(snap.Docs, hs)), nil
}

func classifySnapshot(reg *kinds.Registry, commit string, docs []resource.Document) RestoreReport {
	r := RestoreReport{Commit: commit, Totals: map[string]map[RestoreClass]int{}, Classes: map[RestoreClass]int{}, Entries: []RestoreEntry{}}
	for _, d := range docs {
		e := classify(reg, d)
		r.Entries = append(r.Entries, e)
		if r.Totals[e.Kind] == nil {
			r.Totals[e.Kind] = map[RestoreClass]int{}
		}
		r.Totals[e.Kind][e.Class]++
		r.Classes[e.Class]++
	}
	sort.Slice(r.Entries, func(i, j int) bool { return r.Entries[i].Key().Less(r.Entries[j].Key()) })
	return r
}

// classify reads only what kinds declare (kinds.Desc's policy flags,
// placeholders, the Recreator and Provisioned interfaces), never kind
// names.
func classify(reg *kinds.Registry, d resource.Document) RestoreEntry {
	e := RestoreEntry{Kind: d.Kind, Space: d.Metadata.Space, Name: d.Metadata.Name, Class: RestoresDirectly}
	pol := reg.Policy(d.Kind)
	secrets := plan.Placeholders(d)
	newID := pol.IDReferencedOutside
	if newID != "" && d.Metadata.ID != "" {
		e.ID = d.Metadata.ID
	}
	if pol.ReadOnly {
		e.Class, e.Why = Manual, "exported for reference only, as no API writes it: check that the target tenant's own matches what the restore needs"
		return e
	}
	if why := reg.CannotRecreate(d); why != "" {
		e.Class, e.Why = CannotRestore, why
		return e
	}
	if manual, _, ok := reg.FromIdentityProvider(d); ok {
		e.Class, e.Why = Manual, manual
		return e
	}
	switch {
	case len(secrets) > 0:
		e.Class, e.Secrets = NeedsReentry, secrets
		e.Why = "supply each secret with --secrets FILE or its environment variable, or enter it in the hub after the restore"
	case pol.NeedsReload != "":
		e.Class, e.Why = NeedsReload, pol.NeedsReload
	case newID != "":
		e.Class, e.Why = NewID, newID
		return e
	default:
		return e
	}
	if pol.NeedsReload != "" && e.Class != NeedsReload {
		e.Notes = append(e.Notes, "needs a reload: "+pol.NeedsReload)
	}
	if newID != "" {
		e.Notes = append(e.Notes, "may get a new id (a create does): "+newID)
	}
	return e
}
