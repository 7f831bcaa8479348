package kinds

import (
	"net/url"
	"strconv"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Desc is what a kind declares about itself, in one place: its names, the
// collection it lives in and how that pages, what it depends on, and the
// policy flags the generic layers read instead of its name. Every handler
// embeds one (most through REST), which gives it Kind, Folder and Declared.
type Desc struct {
	KindName   string // the document kind, e.g. "Space"
	FolderName string // the repo folder and --kinds name, e.g. "spaces"
	// Dir is the repo folder when several kinds share one (the tenant's
	// singletons all live in tenant/); "" means FolderName. FolderName
	// stays the kind's own --kinds name and its name in reports.
	Dir string

	// ListPath is the collection, e.g. /api/v1/spaces. Query is the first
	// page's parameters (limit and filters). Pager is how the list pages
	// (nil: links.next.href); Unpaged lists answer {data:[...]} in one go.
	ListPath string
	// ItemsKey is the list's array key when it is not "data" (sharing
	// tasks answer {sharingTasks: [...]}).
	ItemsKey string
	Query    url.Values
	Pager    qlik.Pager
	Unpaged  bool
	// GetEach: the list lacks fields that only a GET of each item returns,
	// so a read costs one request per item more.
	GetEach bool
	// PerItem names what a read fetches once per item below the item's
	// path, e.g. "assignments" for a space's members: the request counts
	// and the generated test tables follow from it.
	PerItem []string

	// IDField, NameField and SpaceField name an item's id, natural name and
	// space id in the API's JSON (defaults "id" and "name"). SpaceField is
	// set for kinds whose identity includes their space (metadata.space).
	// The resolver and the generated test tables read items through them.
	IDField, NameField, SpaceField string

	// WritePaths are the path prefixes the kind writes under when they are
	// not ListPath: apps are listed through /api/v1/items and written
	// through the apps API, temp contents and the recycle bin.
	WritePaths []string

	// DependsOn lists the kinds this kind's documents reference. Waves are
	// computed from it: a kind sits one wave above the highest kind it
	// depends on, so what is referenced is created first and deleted last.
	DependsOn []string
	// After orders the kind after others it does not reference, for an
	// order that matters for another reason (see the kind). It counts like
	// a dependency for waves and nothing else.
	After []string
	// Policy holds the flags plan, ops and diff read.
	Policy resource.KindPolicy
	// ElementKeys name the fields that identify the elements of the kind's
	// lists of objects, for diff (members by group or user).
	ElementKeys [][]string
	// Secrets are the spec fields that hold secrets: exported as
	// placeholders, filled from the secrets source on write.
	Secrets []SecretField

	// Coverage is the kind's row in the README's "What is covered" table,
	// which is generated from the registry: a kind states what a backup of
	// it holds in the same file as what it does.
	Coverage Coverage
}

// Kind is the document kind.
func (d Desc) Kind() string { return d.KindName }

// Folder is the repo folder.
func (d Desc) Folder() string { return d.FolderName }

// RepoDir is the top-level repo folder the kind's files live in.
func (d Desc) RepoDir() string {
	if d.Dir != "" {
		return d.Dir
	}
	return d.FolderName
}

// Declared returns the descriptor itself.
func (d Desc) Declared() Desc { return d }

func (d Desc) idField() string {
	if d.IDField == "" {
		return "id"
	}
	return d.IDField
}

func (d Desc) nameField() string {
	if d.NameField == "" {
		return "name"
	}
	return d.NameField
}

// ListOptions is how to page the kind's collection.
func (d Desc) ListOptions() qlik.ListOptions {
	return qlik.ListOptions{Query: d.Query, Pager: d.Pager, ItemsKey: d.ItemsKey}
}

// limit100 is the largest page size most Qlik lists accept.
func limit100(extra ...string) url.Values {
	q := url.Values{"limit": {"100"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

// MinReadCalls is the fewest requests a read of n items of the kind
// takes: its list pages at the declared limit, plus one GET per item when
// the list lacks fields, plus each per-item read.
func (d Desc) MinReadCalls(n int) int {
	pages := 1
	if !d.Unpaged {
		per := 100
		if l, err := strconv.Atoi(d.Query.Get("limit")); err == nil && l > 0 {
			per = l
		}
		pages = max(1, (n+per-1)/per)
	}
	perItem := len(d.PerItem)
	if d.GetEach {
		perItem++
	}
	return pages + n*perItem
}

// Coverage is what a backup holds of a kind, for the README: what is
// exported, what apply restores, what must be re-entered or is left to
// others, and what is left out and why. Markdown; "-" for none.
type Coverage struct {
	Exported, Restored, Reentry, LeftOut string
}
