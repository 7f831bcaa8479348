package resource

import (
	"strings"
	"testing"
)

// checkSlug asserts everything a slug promises on its own: a safe, short,
// stable file name stem on every filesystem.
func checkSlug(t *testing.T, name string) string {
	t.Helper()
	s := Slug(name)
	if s == "" {
		t.Fatalf("Slug(%q) is empty", name)
	}
	if len(s) > maxSlugLen+9 {
		t.Fatalf("Slug(%q) = %q is %d bytes, want at most %d", name, s, len(s), maxSlugLen+9)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._@+-", c) >= 0) {
			t.Fatalf("Slug(%q) = %q has byte %q outside [a-z0-9._@+-]", name, s, c)
		}
	}
	if s[0] == '.' {
		t.Fatalf("Slug(%q) = %q starts with a dot", name, s)
	}
	if s == "." || s == ".." {
		t.Fatalf("Slug(%q) = %q is a directory reference", name, s)
	}
	if base, _, _ := strings.Cut(s, "."); windowsReserved[base] {
		t.Fatalf("Slug(%q) = %q has a reserved Windows base name", name, s)
	}
	if again := Slug(name); again != s {
		t.Fatalf("Slug(%q) is not stable: %q then %q", name, s, again)
	}
	return s
}

func FuzzSlug(f *testing.F) {
	for _, seed := range [][2]string{
		{"Finance", "finance"},
		{"../x", "..x"},
		{"CON", "con.txt"},
		{"Café", "Cafe\u0301"},
		{"x\x00y", "x y"},
		{strings.Repeat("a", 70), strings.Repeat("a", 71)},
		{"bob@example.com", "Bob@example.com"},
		{"", " "},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, sb := checkSlug(t, a), checkSlug(t, b)
		if a != b && strings.EqualFold(sa, sb) {
			t.Fatalf("Slug(%q) = %q and Slug(%q) = %q collide (case-insensitively)", a, sa, b, sb)
		}
	})
}
