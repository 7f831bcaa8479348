package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestExamplesParse runs every qlikops command line of the help examples with
// --help, so a renamed or removed flag fails here rather than in a user's
// shell.
func TestExamplesParse(t *testing.T) {
	n := 0
	for cmd, text := range examples {
		for _, line := range exampleCommands(text) {
			n++
			var out, errb bytes.Buffer
			args := append(shellWords(t, line)[1:], "--help")
			if code := Run(args, strings.NewReader(""), &out, &errb); code != 0 {
				t.Errorf("%s example %q: exit %d: %s", cmd, line, code, errb.String())
			}
		}
	}
	if n < len(examples) {
		t.Fatalf("found %d example command lines for %d commands", n, len(examples))
	}
}

func TestTenantCommandsDocumentTheEnvironment(t *testing.T) {
	for _, cmd := range []string{"export", "drift", "plan", "apply"} {
		var out bytes.Buffer
		if code := Run([]string{cmd, "--help"}, strings.NewReader(""), &out, &out); code != 0 {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		for _, want := range []string{"Examples:", "QLIK_TENANT_URL", "QLIK_API_KEY", "QLIK_CLIENT_SECRET", "QLIKOPS_SECRET_"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s --help does not mention %s", cmd, want)
			}
		}
	}
}

// exampleCommands joins continued lines and splits "a && b", keeping the
// parts that run qlikops.
func exampleCommands(text string) []string {
	joined := strings.ReplaceAll(text, "\\\n", " ")
	var out []string
	for _, line := range strings.Split(joined, "\n") {
		for _, part := range strings.Split(line, "&&") {
			part = strings.TrimSpace(part)
			if strings.HasPrefix(part, "qlikops ") {
				out = append(out, part)
			}
		}
	}
	return out
}

// shellWords splits a command line on spaces, honouring double quotes.
func shellWords(t *testing.T, line string) []string {
	var words []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}
