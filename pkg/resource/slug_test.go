package resource

import (
	"strings"
	"testing"
)

func TestSlugKeepsSimpleNamesReadable(t *testing.T) {
	for name, want := range map[string]string{
		"finance":           "finance",
		"bob@example.com":   "bob@example.com",
		"data-lake_raw.v2":  "data-lake_raw.v2",
		"jane+qa@corp.test": "jane+qa@corp.test",
	} {
		if got := Slug(name); got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSlugIsSafeDistinctAndStable(t *testing.T) {
	names := []string{
		"Finance", "finance", "FINANCE", "Sales Analytics", "sales-analytics",
		"../x", "..", ".", "a/b", `a\b`, "x\x00y", "CON", "con", "Con.txt", "nul",
		"Café", "Cafe\u0301", strings.Repeat("long", 2500), strings.Repeat("long", 2500) + "!",
		"", "   ", "😀", "😁",
	}
	seen := map[string]string{}
	for _, n := range names {
		s := Slug(n)
		if s != Slug(n) {
			t.Fatalf("Slug(%q) is not stable", n)
		}
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00:*?\"<>|") {
			t.Errorf("Slug(%q) = %q is not a safe file name", n, s)
		}
		if len(s) > maxSlugLen+9 {
			t.Errorf("Slug(%q) is %d bytes long", n, len(s))
		}
		base, _, _ := strings.Cut(strings.ToLower(s), ".")
		if windowsReserved[base] {
			t.Errorf("Slug(%q) = %q is a reserved Windows name", n, s)
		}
		// Case-insensitive filesystems must not merge two names either.
		key := strings.ToLower(s)
		if other, dup := seen[key]; dup {
			t.Errorf("Slug(%q) and Slug(%q) collide as %q", n, other, s)
		}
		seen[key] = n
	}
}
