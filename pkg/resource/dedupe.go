package resource

import (
	"fmt"
	"sort"
)

// Disambiguate gives every document a unique key. Qlik lets some kinds
// (automations, glossaries) share a name; the first of a set, by tenant id,
// keeps the name and the others become "Name (2)", "Name (3)", ... so the
// result is the same on every run against the same tenant. It returns one
// note per renamed document, for the manifest.
func Disambiguate(docs []Document) ([]Document, []string) {
	byKey := map[Key][]int{}
	taken := map[Key]bool{}
	for i, d := range docs {
		byKey[d.Key()] = append(byKey[d.Key()], i)
		taken[d.Key()] = true
	}
	var notes []string
	keys := make([]Key, 0, len(byKey))
	for k, idx := range byKey {
		if len(idx) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
	for _, k := range keys {
		idx := byKey[k]
		sort.Slice(idx, func(a, b int) bool { return docs[idx[a]].Metadata.ID < docs[idx[b]].Metadata.ID })
		for n, i := range idx[1:] {
			name := docs[i].Metadata.Name
			for suffix := n + 2; ; suffix++ {
				candidate := docs[i]
				candidate.Metadata.Name = fmt.Sprintf("%s (%d)", name, suffix)
				if !taken[candidate.Key()] {
					docs[i] = candidate
					taken[candidate.Key()] = true
					break
				}
			}
			notes = append(notes, fmt.Sprintf("%d %s resources share the name %q; the one with id %s is written as %q (rename it in Qlik to choose its name)",
				len(idx), k.Kind, k.Display(), docs[i].Metadata.ID, docs[i].Metadata.Name))
		}
	}
	Sort(docs)
	return docs, notes
}
