// Package recipetest checks the CI and scheduler recipes in examples/: that
// their YAML parses and that every qlikops command line in them names
// commands and flags that exist, by asking qlikops itself (--help).
package recipetest

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/qlikops/qlikops/pkg/cli"
)

// Docs parses a YAML file with one or more documents; any error fails t.
func Docs(t *testing.T, name string, data []byte) []any {
	t.Helper()
	var out []any
	for i, part := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(stripComments(part)) == "" {
			continue
		}
		var v any
		if err := yaml.Unmarshal([]byte(part), &v); err != nil {
			t.Fatalf("%s: document %d: %v", name, i+1, err)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no YAML document", name)
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// shellKeys are the keys whose values are shell: GitHub's run, GitLab's
// script sections.
var shellKeys = []string{"run", "script", "before_script", "after_script"}

// Scripts returns every shell string in a parsed document, depth first.
func Scripts(v any) []string {
	return scripts(v, false)
}

func scripts(v any, shell bool) []string {
	var out []string
	switch x := v.(type) {
	case string:
		if shell {
			out = append(out, x)
		}
	case []any:
		for _, e := range x {
			out = append(out, scripts(e, shell)...)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, scripts(x[k], slices.Contains(shellKeys, k))...)
		}
	}
	return out
}

var (
	expr    = regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	command = regexp.MustCompile(`(?:^|[\s(;&|])qlikops\s+([^|;&>)\n]*)`)
)

// Commands extracts the qlikops command lines from shell text (run:
// blocks, script: lines, comments included: a documented command must
// work too). CI expressions such as ${{ matrix.x }} become a placeholder.
func Commands(text string) [][]string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	text = expr.ReplaceAllString(text, "EXPR")
	var out [][]string
	for _, m := range command.FindAllStringSubmatch(text, -1) {
		out = append(out, fields(m[1]))
	}
	return out
}

// fields splits like a shell, minus expansion: quotes group words.
func fields(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// help runs qlikops ARGS --help in process.
func help(args []string) (string, error) {
	var out bytes.Buffer
	if code := cli.Run(append(slices.Clone(args), "--help"), strings.NewReader(""), &out, &out); code != 0 {
		return out.String(), fmt.Errorf("qlikops %s --help exited %d", strings.Join(args, " "), code)
	}
	return out.String(), nil
}

// section lists the first words of the lines of a help section.
func section(helpText, title string) []string {
	_, rest, ok := strings.Cut(helpText, "\n"+title+"\n")
	if !ok {
		return nil
	}
	var out []string
	for _, l := range strings.Split(rest, "\n") {
		if strings.TrimSpace(l) == "" {
			break
		}
		out = append(out, strings.Fields(l)...)
	}
	return out
}

// Check fails t unless args (after "qlikops") names a command that exists
// and uses only flags it has.
func Check(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: bare qlikops", where)
		return
	}
	var path []string
	h, err := help(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") || !slices.Contains(section(h, "Available Commands:"), a) {
			break
		}
		path = append(path, a)
		if h, err = help(path); err != nil {
			t.Errorf("%s: %v", where, err)
			return
		}
	}
	if len(path) == 0 {
		t.Errorf("%s: qlikops %s: %q is not a qlikops command", where, strings.Join(args, " "), args[0])
		return
	}
	flags := append(section(h, "Flags:"), section(h, "Global Flags:")...)
	for _, a := range args[len(path):] {
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, _, _ := strings.Cut(a, "=")
		if !slices.Contains(flags, name) && !slices.Contains(flags, name+",") {
			t.Errorf("%s: qlikops %s: flag %s does not exist", where, strings.Join(args, " "), name)
		}
	}
}

// CheckFile parses a YAML recipe and checks every qlikops command in it,
// in its strings and in comment lines that start with one, returning how
// many it checked.
func CheckFile(t *testing.T, name string, data []byte) int {
	t.Helper()
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(l), "#"); ok && strings.HasPrefix(strings.TrimSpace(c), "qlikops ") {
			for _, cmd := range Commands(c) {
				Check(t, name+" (comment)", cmd)
				n++
			}
		}
	}
	for _, doc := range Docs(t, name, data) {
		for _, s := range Scripts(doc) {
			for _, c := range Commands(s) {
				Check(t, name, c)
				n++
			}
		}
	}
	return n
}
