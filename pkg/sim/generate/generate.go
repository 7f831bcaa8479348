package generate

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Admin is the generated tenant's TenantAdmin, the API-key caller.
const Admin = "admin@example.com"

// Write writes the seed files of a generated tenant into dir (which must
// exist). The files are JSON, which every YAML reader accepts, because a
// large tenant's seed is written and read in a fraction of the time.
func Write(dir string, c Counts, seed uint64) error {
	if err := c.check(); err != nil {
		return err
	}
	g := &gen{c: c, rng: rand.New(rand.NewPCG(seed, seed+1))}
	files := []struct {
		name string
		rows func() any
		n    int
	}{
		{"users.yaml", g.users, 1},
		{"groups.yaml", g.groups, c.Groups},
		{"spaces.yaml", g.spaces, c.Spaces},
		{"data-connections.yaml", g.connections, c.Connections},
		{"automations.yaml", g.automations, c.Automations},
		{"glossaries.yaml", g.glossaries, c.Glossaries},
		{"apps.yaml", g.apps, c.Apps},
	}
	for _, f := range files {
		if f.n == 0 {
			continue
		}
		b, err := json.Marshal(f.rows())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// gen holds what later files reference: the generated names, in order.
type gen struct {
	c         Counts
	rng       *rand.Rand
	emails    []string
	groupN    []string
	spaceRows []spaceRow
}

type userRow struct {
	Subject string   `json:"subject"`
	Name    string   `json:"name"`
	Email   string   `json:"email"`
	Roles   []string `json:"roles,omitempty"`
}

func (g *gen) users() any {
	rows := []userRow{{Subject: "auth0|admin", Name: "Tenant Admin", Email: Admin, Roles: []string{"TenantAdmin"}}}
	for i := range g.c.Users {
		first, last := pick(g.rng, firstNames), pick(g.rng, lastNames)
		email := fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), i)
		g.emails = append(g.emails, email)
		rows = append(rows, userRow{Subject: fmt.Sprintf("auth0|gen%06d", i), Name: first + " " + last, Email: email})
	}
	return rows
}

type groupRow struct {
	Name         string `json:"name"`
	ProviderType string `json:"providerType"`
}

func (g *gen) groups() any {
	var rows []groupRow
	for i := range g.c.Groups {
		name := g.name(fmt.Sprintf("%s %s %d", pick(g.rng, areas), pick(g.rng, teams), i))
		g.groupN = append(g.groupN, name)
		rows = append(rows, groupRow{Name: name, ProviderType: "custom"})
	}
	return rows
}

type spaceRow struct {
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Description string      `json:"description,omitempty"`
	Members     []memberRow `json:"members,omitempty"`
}

type memberRow struct {
	User  string   `json:"user,omitempty"`
	Group string   `json:"group,omitempty"`
	Roles []string `json:"roles"`
}

var spaceRoles = map[string][]string{
	"shared":  {"consumer", "consumer", "consumer", "producer", "dataconsumer", "facilitator"},
	"managed": {"consumer", "consumer", "consumer", "contributor", "publisher", "basicconsumer"},
	"data":    {"consumer", "dataconsumer", "producer", "operator"},
}

func (g *gen) spaces() any {
	people := len(g.emails) + len(g.groupN)
	sizes := skewed(g.rng, g.c.Assignments, g.c.Spaces, people)
	for i := range g.c.Spaces {
		typ := "shared"
		switch r := g.rng.IntN(10); {
		case r >= 9:
			typ = "data"
		case r >= 6:
			typ = "managed"
		}
		sp := spaceRow{Name: g.name(fmt.Sprintf("%s %s %04d", pick(g.rng, areas), pick(g.rng, topics), i)), Type: typ}
		if g.rng.IntN(3) == 0 {
			sp.Description = "Content of the " + pick(g.rng, areas) + " " + pick(g.rng, topics) + " team."
		}
		for _, who := range g.rng.Perm(people)[:sizes[i]] {
			m := memberRow{Roles: []string{pick(g.rng, spaceRoles[typ])}}
			if who < len(g.emails) {
				m.User = g.emails[who]
			} else {
				m.Group = g.groupN[who-len(g.emails)]
			}
			sp.Members = append(sp.Members, m)
		}
		g.spaceRows = append(g.spaceRows, sp)
	}
	return g.spaceRows
}

type connectionRow struct {
	Space            string `json:"space"`
	Name             string `json:"name"`
	Type             string `json:"type"`
	ConnectStatement string `json:"connectStatement"`
	Username         string `json:"username,omitempty"`
	Password         string `json:"password,omitempty"`
	ConnectionSecret string `json:"connectionSecret,omitempty"`
}

func (g *gen) connections() any {
	perSpace := skewed(g.rng, g.c.Connections, g.c.Spaces, math.MaxInt)
	var rows []connectionRow
	n := 0
	for s, k := range perSpace {
		for range k {
			c := connectionRow{Space: g.spaceRows[s].Name, Name: g.name(fmt.Sprintf("%s %s %05d", pick(g.rng, sources), pick(g.rng, topics), n))}
			switch r := g.rng.IntN(10); {
			case r < 5:
				c.Type, c.Username, c.Password = "snowflake", "svc_"+fmt.Sprint(n), fmt.Sprintf("pw-%d", g.rng.Uint32())
				c.ConnectStatement = fmt.Sprintf("host=acct%d.snowflakecomputing.com;warehouse=WH_%d;database=DB_%d", n%17, n%5, n)
			case r < 8:
				c.Type, c.Username, c.Password = "postgres", "reader", fmt.Sprintf("pw-%d", g.rng.Uint32())
				c.ConnectStatement = fmt.Sprintf("host=db%d.example.com;port=5432;database=sales_%d;PWD=%d", n%23, n, g.rng.Uint32())
			case r < 9:
				c.Type, c.ConnectionSecret = "rest", fmt.Sprintf("tok-%d", g.rng.Uint64())
				c.ConnectStatement = fmt.Sprintf("url=https://api%d.example.com/v2/export;timeout=30", n%11)
			default:
				c.Type, c.ConnectStatement = "folder", fmt.Sprintf("path=/mnt/share/%d", n)
			}
			rows = append(rows, c)
			n++
		}
	}
	return rows
}

type automationRow struct {
	Name      string          `json:"name"`
	Owner     string          `json:"owner,omitempty"`
	State     string          `json:"state,omitempty"`
	Workspace json.RawMessage `json:"workspace"`
}

func (g *gen) automations() any {
	var rows []automationRow
	for i := range g.c.Automations {
		a := automationRow{Name: g.name(fmt.Sprintf("%s %s %04d", pick(g.rng, verbs), pick(g.rng, topics), i)), State: "enabled"}
		// Most automations belong to the admin (a service account, as in
		// real tenants); the rest to people, whose definitions the admin
		// cannot read.
		a.Owner = Admin
		if len(g.emails) > 0 && g.rng.IntN(4) == 0 {
			a.Owner = g.emails[g.rng.IntN(len(g.emails))]
		}
		if g.rng.IntN(5) == 0 {
			a.State = "disabled"
		}
		var blocks []string
		for b := range 1 + g.rng.IntN(12) {
			blocks = append(blocks, fmt.Sprintf(`{"id":"b%d","type":%q,"x":%d,"y":%d}`, b, pick(g.rng, blockTypes), b*120, g.rng.IntN(400)))
		}
		a.Workspace = json.RawMessage(`{"blocks":[` + strings.Join(blocks, ",") + `]}`)
		rows = append(rows, a)
	}
	return rows
}

type glossaryRow struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Terms       []termRow `json:"terms,omitempty"`
}

type termRow struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

func (g *gen) glossaries() any {
	perGlossary := skewed(g.rng, g.c.Terms, g.c.Glossaries, math.MaxInt)
	var rows []glossaryRow
	n := 0
	for i, k := range perGlossary {
		gl := glossaryRow{Name: g.name(fmt.Sprintf("%s glossary %03d", pick(g.rng, areas), i)), Description: "Business terms."}
		for range k {
			gl.Terms = append(gl.Terms, termRow{Name: fmt.Sprintf("%s %s %05d", pick(g.rng, topics), pick(g.rng, measures), n),
				Description: "How the " + pick(g.rng, areas) + " team counts it."})
			n++
		}
		rows = append(rows, gl)
	}
	return rows
}

type appRow struct {
	Name   string `json:"name"`
	Space  string `json:"space"`
	Owner  string `json:"owner,omitempty"`
	Script string `json:"script"`
}

func (g *gen) apps() any {
	perSpace := skewed(g.rng, g.c.Apps, g.c.Spaces, math.MaxInt)
	var rows []appRow
	n := 0
	for s, k := range perSpace {
		for range k {
			a := appRow{Name: g.name(fmt.Sprintf("%s %s %05d", pick(g.rng, topics), pick(g.rng, measures), n)), Space: g.spaceRows[s].Name}
			if len(g.emails) > 0 {
				a.Owner = g.emails[g.rng.IntN(len(g.emails))]
			}
			a.Script = fmt.Sprintf("///$tab Main\nSET ThousandSep=',';\n\n///$tab Load\nFacts:\nLOAD * INLINE [\nid, amount\n%d, %d\n];\n", n, g.rng.IntN(10000))
			rows = append(rows, a)
			n++
		}
	}
	return rows
}

// name makes about one name in twelve long, as real tenants have them:
// "... (migrated from the on-premise site, see the runbook ...)".
func (g *gen) name(base string) string {
	if g.rng.IntN(12) != 0 {
		return base
	}
	long := base + " — " + pick(g.rng, longTails)
	for len([]rune(long)) < 150 {
		long += " " + pick(g.rng, longTails)
	}
	if r := []rune(long); len(r) > 240 {
		long = string(r[:240])
	}
	return strings.TrimSpace(long)
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// skewed splits total over n buckets of at most capacity each, Zipf-like:
// the largest bucket gets about a tenth of everything, most get a handful.
// Which buckets are large is random. The caller guarantees total <= n*capacity.
func skewed(rng *rand.Rand, total, n, capacity int) []int {
	sizes := make([]int, n)
	if n == 0 || total == 0 {
		return sizes
	}
	order := rng.Perm(n)
	weights := make([]float64, n)
	sum := 0.0
	for rank := range n {
		weights[rank] = 1 / math.Pow(float64(rank+1), 1.1)
		sum += weights[rank]
	}
	left := total
	for rank, b := range order {
		k := min(int(float64(total)*weights[rank]/sum), capacity, left)
		sizes[b] = k
		left -= k
	}
	// What rounding and the caps left over goes round the buckets with room,
	// one each, largest rank first, so small buckets stay small.
	for left > 0 {
		for _, b := range order {
			if left == 0 {
				break
			}
			if sizes[b] < capacity {
				sizes[b]++
				left--
			}
		}
	}
	return sizes
}
