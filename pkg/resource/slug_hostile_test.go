package resource

import (
	"strings"
	"testing"
)

// A name that happens to spell another name's slug exactly is kept as is,
// so it lands on the same file as that other name: "Finance" and
// "finance-b696d755" (and "!" and "x-bb7208bc") both slug to the same stem.
// No hash preimage is needed: the slug of any name is itself a valid name.
func TestSlugOfASlugDoesNotCollideWithItsName(t *testing.T) {
	for _, name := range []string{"Finance", "!", "CON", "a b", strings.Repeat("Z", 100)} {
		s := Slug(name)
		if s == name {
			continue
		}
		if Slug(s) == s {
			t.Errorf("BUG: Slug(%q) = %q and Slug(%q) = %q: two resources named %q and %q land on the same file", name, s, s, Slug(s), name, s)
		}
	}
}

func TestSlugHostileNames(t *testing.T) {
	names := []string{
		"../etc/passwd", "..\\..\\x", "/abs", "a/../../b", "\x00", "x\x00", "CON", "con", "nul.txt", "NUL.txt",
		"COM1", "lpt9.log", "AUX.", "prn ", "Café", "Cafe\u0301", "ﬁnance", "finance",
		strings.Repeat("x", 10000), strings.Repeat("x", 10000) + "y", "...", ". .", "-", "+", "@",
		"\u202ertl", "\ufeffbom", "tab\tname", "new\nline", "%2e%2e%2f",
	}
	seen := map[string]string{}
	for _, n := range names {
		s := checkSlug(t, n)
		if other, dup := seen[strings.ToLower(s)]; dup {
			t.Errorf("Slug(%q) and Slug(%q) collide as %q", n, other, s)
		}
		seen[strings.ToLower(s)] = n
	}
}
