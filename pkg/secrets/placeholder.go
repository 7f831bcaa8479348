package secrets

import (
	"regexp"
	"strings"
)

const (
	open  = "${secret:"
	close = "}"
	// EnvPrefix starts the environment variable that can supply a secret.
	EnvPrefix = "QLIKOPS_SECRET_"
)

// Placeholder is the text that stands for the secret NAME in a document.
// Characters that would end the placeholder early are replaced.
func Placeholder(name string) string {
	return open + cleanName(name) + close
}

// Name builds a placeholder name from path parts, e.g.
// Name("data-connections", "Finance", "Snowflake", "password").
func Name(parts ...string) string {
	clean := make([]string, len(parts))
	for i, p := range parts {
		clean[i] = strings.ReplaceAll(cleanName(p), "/", "_")
	}
	return strings.Join(clean, "/")
}

func cleanName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '}' || r == '\n' || r == '\r' || r == 0 {
			return '_'
		}
		return r
	}, s)
}

var placeholderRE = regexp.MustCompile(`\$\{secret:([^}\n]+)\}`)

// Names lists the placeholder names in text, in order, without repeats.
func Names(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// Only reports whether text is exactly one placeholder, and its name.
func Only(text string) (string, bool) {
	m := placeholderRE.FindStringSubmatch(text)
	if m == nil || m[0] != text {
		return "", false
	}
	return m[1], true
}

// EnvName is the environment variable that can supply the secret NAME:
// EnvPrefix plus the name upper-cased, every other character as '_'.
func EnvName(name string) string {
	var b strings.Builder
	b.WriteString(EnvPrefix)
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
