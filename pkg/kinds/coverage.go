package kinds

import (
	"cmp"
	"slices"
	"strings"
)

// CoverageHeader opens the README's "What is covered" table.
const CoverageHeader = "| kind | exported | restored by apply | must be re-entered or left to others | left out, and why |\n|---|---|---|---|---|\n"

// CoverageTable is the README's "What is covered" table: one row per kind,
// from each kind's declared Coverage, in the order apply restores them (hs
// in wave order), with the tenant's singletons last. Kinds that declare the
// same coverage share the row of the first of them ("Theme, Extension").
func CoverageTable(hs []Handler) string {
	hs = slices.Clone(hs)
	slices.SortStableFunc(hs, func(a, b Handler) int {
		return cmp.Compare(b2i(a.Declared().Policy.Singleton), b2i(b.Declared().Policy.Singleton))
	})
	var rows []Coverage
	names := map[Coverage][]string{}
	for _, h := range hs {
		c := h.Declared().Coverage
		if names[c] == nil {
			rows = append(rows, c)
		}
		names[c] = append(names[c], h.Kind())
	}
	var b strings.Builder
	b.WriteString(CoverageHeader)
	for _, c := range rows {
		cells := []string{strings.Join(names[c], ", "), c.Exported, c.Restored, c.Reentry, c.LeftOut}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
