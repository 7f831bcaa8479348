package generate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Counts is how many of each resource the tenant has. Assignments are space
// members (user or group), spread over the spaces; Terms are spread over
// the glossaries.
type Counts struct {
	Spaces, Assignments, Users, Groups   int
	Connections, Automations             int
	Glossaries, Terms, Apps, ReloadTasks int
}

// fields maps the --generate keys to the counts they set.
func (c *Counts) fields() map[string]*int {
	return map[string]*int{
		"spaces": &c.Spaces, "assignments": &c.Assignments, "users": &c.Users, "groups": &c.Groups,
		"connections": &c.Connections, "automations": &c.Automations, "glossaries": &c.Glossaries,
		"terms": &c.Terms, "apps": &c.Apps, "tasks": &c.ReloadTasks,
	}
}

// unserved names the keys this qliksim knows of but has no service for;
// asking for them is an error rather than a tenant silently without them.
var unserved = map[string]string{
	"tasks": "qliksim has no reload-tasks service yet (issue 9)",
}

// Parse reads a --generate value: comma-separated key=N pairs, e.g.
// "spaces=1000,assignments=20000,users=1000".
func Parse(spec string) (Counts, error) {
	var c Counts
	f := c.fields()
	if strings.TrimSpace(spec) == "" {
		return c, fmt.Errorf("--generate: empty; want key=N pairs such as spaces=10,users=50")
	}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		p, known := f[k]
		switch {
		case !ok:
			return c, fmt.Errorf("--generate: %q is not key=N", part)
		case !known:
			return c, fmt.Errorf("--generate: unknown key %q (known: %s)", k, strings.Join(keys(), ", "))
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("--generate: %s=%q is not a count", k, v)
		}
		if why, no := unserved[k]; no && n > 0 {
			return c, fmt.Errorf("--generate: %s: %s", k, why)
		}
		*p = n
	}
	return c, c.check()
}

func keys() []string {
	var out []string
	for k := range (&Counts{}).fields() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// check refuses counts no tenant can hold: members need spaces and people,
// a space has each user or group at most once, terms need a glossary.
func (c Counts) check() error {
	switch {
	case c.Assignments > 0 && c.Spaces == 0:
		return fmt.Errorf("--generate: assignments=%d need spaces", c.Assignments)
	case c.Assignments > c.Spaces*(c.Users+c.Groups):
		return fmt.Errorf("--generate: assignments=%d: %d spaces hold at most %d members with %d users and %d groups",
			c.Assignments, c.Spaces, c.Spaces*(c.Users+c.Groups), c.Users, c.Groups)
	case c.Connections > 0 && c.Spaces == 0:
		return fmt.Errorf("--generate: connections=%d need spaces (a connection lives in a space)", c.Connections)
	case c.Apps > 0 && c.Spaces == 0:
		return fmt.Errorf("--generate: apps=%d need spaces", c.Apps)
	case c.Terms > 0 && c.Glossaries == 0:
		return fmt.Errorf("--generate: terms=%d need glossaries", c.Terms)
	}
	return nil
}

// Total is the number of resources generated (assignments and terms
// included), the tenant's size as issue 13 counts it.
func (c Counts) Total() int {
	return c.Spaces + c.Assignments + c.Users + c.Groups + c.Connections + c.Automations + c.Glossaries + c.Terms + c.Apps + c.ReloadTasks
}
