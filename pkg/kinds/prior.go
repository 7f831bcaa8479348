package kinds

import (
	"sync"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Prior is the last snapshot's documents, by kind and tenant id. A kind
// whose list says when each resource last changed reuses the document (or
// the parts of it that cost extra calls: a script, a QVF, a workspace) of
// a resource that has not changed since, instead of reading it again. That
// is incremental export: a tenant where little changed costs few calls.
//
// Reuse is always keyed by the id and a change marker the tenant lists, so
// a stale prior can cost calls but never hide a change.
type Prior struct {
	byID map[string]map[string]resource.Document

	// moved counts, per kind, the resources Unchanged had to send back to
	// the tenant: the per-item reads the run could not avoid.
	mu    sync.Mutex
	moved map[string]int
}

// NewPrior indexes the documents of a snapshot. Documents without an id
// (singletons, documents written by hand) are never reused.
func NewPrior(docs []resource.Document) *Prior {
	p := &Prior{byID: map[string]map[string]resource.Document{}, moved: map[string]int{}}
	for _, d := range docs {
		if d.Metadata.ID == "" {
			continue
		}
		if p.byID[d.Kind] == nil {
			p.byID[d.Kind] = map[string]resource.Document{}
		}
		p.byID[d.Kind][d.Metadata.ID] = d
	}
	return p
}

// Lookup returns the last snapshot's document of the resource of this kind
// with this tenant id. A nil Prior (a first export, or a snapshot that
// could not be read) has nothing.
func (p *Prior) Lookup(kind, id string) (resource.Document, bool) {
	if p == nil || id == "" {
		return resource.Document{}, false
	}
	d, ok := p.byID[kind][id]
	return d, ok
}

// Len is the number of documents the prior holds, for the run record.
func (p *Prior) Len() int {
	if p == nil {
		return 0
	}
	n := 0
	for _, m := range p.byID {
		n += len(m)
	}
	return n
}

// Unchanged returns the last snapshot's document of the resource when the
// tenant's list says it has not changed since: the document was read with
// the same non-empty modified time. Anything else (no prior, no time, a
// time that moved either way) means read it again.
func (p *Prior) Unchanged(kind, id, modified string) (resource.Document, bool) {
	d, ok := p.Lookup(kind, id)
	ok = ok && modified != "" && d.Metadata.Modified == modified
	if p != nil {
		p.mu.Lock()
		p.moved[kind] += 0 // the kind asks: it is tracked
		if !ok {
			p.moved[kind]++
		}
		p.mu.Unlock()
	}
	if !ok {
		return resource.Document{}, false
	}
	return d, true
}

// Moved is how many resources of the kind Unchanged found changed (or new)
// in this run; tracked is false when the kind never asked, so every item
// it reads per item counts.
func (p *Prior) Moved(kind string) (n int, tracked bool) {
	if p == nil {
		return 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n, tracked = p.moved[kind]
	return n, tracked
}

// Settle keeps the prior document's modified time when a resource whose
// time moved reads back the same: a save that changed nothing then makes
// no commit, at the cost of reading the resource again on the next export.
// A prior document without a time (written before qlikops recorded them)
// takes the new one, once.
func (p *Prior) Settle(d resource.Document) resource.Document {
	old, ok := p.Lookup(d.Kind, d.Metadata.ID)
	if !ok || old.Metadata.Modified == "" || old.Metadata.Modified == d.Metadata.Modified {
		return d
	}
	moved := d
	moved.Metadata.Modified = old.Metadata.Modified
	if sameDocument(moved, old) {
		return moved
	}
	return d
}

func sameDocument(a, b resource.Document) bool {
	return a.Kind == b.Kind && a.Metadata == b.Metadata && unchanged(a, b)
}
