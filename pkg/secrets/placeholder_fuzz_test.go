package secrets

import (
	"fmt"
	"strings"
	"testing"
)

// residue is text with every placeholder cut out, the cuts marked by NUL so
// that the text on either side of a placeholder cannot join into a value.
func residue(text string) string {
	return placeholderRE.ReplaceAllString(text, "\x00")
}

func FuzzPlaceholders(f *testing.F) {
	for _, seed := range [][2]string{
		{"a ${secret:x} b ${secret:y} ${secret:x}", "data-connections/Finance/Snowflake"},
		{`CUSTOM CONNECT TO "provider=x;UID=svc;PWD={p;a}}ss};Token=tok123;access_key=AK1;"`, "dc/S/N/connectStatement"},
		{"jdbc:snowflake://h/?user=a&password=hunter2&warehouse=w", "b"},
		{"${secret:${secret:a}}", "x"},
		{"$${secret:a}{secret:b}", "x"},
		{"pwd=${secret:keep/pwd};pass=\"q\" secret = {v} ApiKey='k'", "base with space;and\"quote"},
		{"${secret:a\nb} ${secret:} ${secret:\r\x00}", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, text, base string) {
		names := Names(text)
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, "}\n") {
				t.Fatalf("Names(%q) gave impossible name %q", text, n)
			}
			if seen[n] {
				t.Fatalf("Names(%q) repeats %q", text, n)
			}
			seen[n] = true
			if !strings.Contains(text, open+n+close) {
				t.Fatalf("Names(%q) gave %q, which is not in the text", text, n)
			}
		}

		if n, ok := Only(text); ok {
			if text != open+n+close || len(names) != 1 || names[0] != n {
				t.Fatalf("Only(%q) = %q, but Names = %q", text, n, names)
			}
		}
		// Any name becomes a placeholder that reads back as its clean form.
		if clean := cleanName(text); clean != "" {
			if got, ok := Only(Placeholder(text)); !ok || got != clean {
				t.Fatalf("Only(Placeholder(%q)) = %q, %v; want %q", text, got, ok, clean)
			}
		}
		_ = EnvName(text)

		// A store holding every name resolves every placeholder, and the
		// values (which cannot form a placeholder) leave none behind.
		values := map[string]string{}
		for i, n := range names {
			values[n] = fmt.Sprintf("<v%d>", i)
		}
		out, missing := NewStore(values, nil).Expand(text)
		if len(missing) > 0 {
			t.Fatalf("Expand(%q) with every name stored still misses %q", text, missing)
		}
		if left := Names(out); len(left) > 0 {
			t.Fatalf("Expand(%q) = %q still holds placeholders %q", text, out, left)
		}
		// An empty store resolves nothing and changes nothing.
		if out, missing := NewStore(nil, nil).Expand(text); out != text || len(missing) < len(names) {
			t.Fatalf("Expand with no values changed %q into %q (missing %q)", text, out, missing)
		}

		red, found := RedactKeyValues(text, base)
		rest := residue(red)
		for name, v := range found {
			if !strings.HasPrefix(name, base+"/") {
				t.Fatalf("RedactKeyValues(%q, %q) named a secret %q outside its base", text, base, name)
			}
			if !strings.Contains(red, Placeholder(name)) {
				t.Fatalf("RedactKeyValues(%q) reported %q but wrote no placeholder for it: %q", text, name, red)
			}
			if v == "" || strings.ContainsRune(v, 0) || strings.Count(text, v) != 1 {
				continue // the value is also ordinary text elsewhere
			}
			if strings.Contains(rest, v) {
				t.Fatalf("RedactKeyValues(%q) leaks %s = %q: %q", text, name, v, red)
			}
		}
		again, found2 := RedactKeyValues(red, base)
		if again != red || len(found2) > 0 {
			t.Fatalf("redacting twice is not stable:\n in:  %q\n one: %q\n two: %q (found %q)", text, red, again, found2)
		}
		for k := range found {
			_, _ = ValueOf(text, k[strings.LastIndex(k, "/")+1:])
		}
	})
}
