package kinds

import "github.com/qlikops/qlikops/pkg/resource"

// MinCalls is the fewest Tier-1 requests a read of these documents of the
// kind takes, given the prior snapshot: its list at the declared page size
// (each kind's is the largest its spec allows), each per-item sub-list
// (a space's members at 100 a page), and a GET per item only for items
// whose list timestamp moved since the prior (every item for a kind that
// does not compare timestamps, and on a first export).
//
// Documents the kind leaves out (personal content) are not counted, so the
// minimum can be a page short when many are: real calls may exceed it by
// that much.
func MinCalls(h Handler, docs []resource.Document, prior *Prior) int {
	d := h.Declared()
	n := len(docs)
	calls := d.MinReadCalls(n) - n*len(d.PerItem)
	if d.GetEach {
		calls -= n
		moved, tracked := prior.Moved(d.KindName)
		if prior == nil || !tracked {
			moved = n
		}
		calls += moved
	}
	for _, sub := range d.PerItem {
		for _, doc := range docs {
			calls += subListPages(sub, doc)
		}
	}
	return calls
}

// subListPages is the pages of one item's sub-list: one, or a space's
// members at 100 a page.
func subListPages(sub string, d resource.Document) int {
	if sub != "assignments" {
		return 1
	}
	members, _ := d.Spec["members"].([]any)
	return max(1, (len(members)+99)/100)
}
