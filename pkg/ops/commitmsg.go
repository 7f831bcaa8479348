package ops

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/snapshot"
	"github.com/qlikops/qlikops/pkg/store"
)

// KindsTrailer is the commit-message trailer naming the kind folders a
// snapshot manages. See managedKindsAt for why it lives there.
const KindsTrailer = "Qlikops-Kinds"

// maxMessageLines caps the per-resource lines of a commit message.
const maxMessageLines = 50

// exportMessage summarizes the run in the commit message, so that `git log`
// alone tells what each snapshot changed and covered: a subject with the
// counts, one line per changed resource (capped), the per-kind totals, and
// the trailer of managed kinds.
func exportMessage(m Manifest, resources, others []string, managed []string, changedBy []Attribution) string {
	var b strings.Builder
	fmt.Fprintf(&b, "qlikops export from %s: %s changed in %s\n\n", m.Tenant, plural(m.Changed, "file"), plural(len(resources), "resource"))
	lines := append(append([]string{}, resources...), others...)
	for i, l := range lines {
		if i == maxMessageLines {
			fmt.Fprintf(&b, "… and %d more\n", len(lines)-maxMessageLines)
			break
		}
		b.WriteString(l + "\n")
	}
	if len(lines) > 0 {
		b.WriteString("\n")
	}
	for _, k := range m.Kinds {
		switch k.Status {
		case KindOK:
			fmt.Fprintf(&b, "%s: %d\n", k.Folder, k.Count)
		case KindSkipped:
		default:
			fmt.Fprintf(&b, "%s: FAILED, previous files kept\n", k.Folder)
		}
	}
	b.WriteString("\n")
	for _, l := range changedByTrailers(changedBy) {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "%s: %s\n", KindsTrailer, strings.Join(managed, ", "))
	return b.String()
}

// plural renders "1 file" or "3 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// changeLines maps changed paths to the resources they belong to, one line
// each: "+ Space Finance" (added), "~ Space Finance" (its document or a side
// file changed), "- Group Old" (removed). Files that are no document's, such
// as qlikops.yaml or a schema, get a line of their own with their path.
// Only the changed documents are parsed, so the cost follows the change.
func changeLines(reg *kinds.Registry, old, new store.Files, changed []string, decoded decodedDocs) (resources, others []string) {
	docs := map[string]bool{}
	var other []string
	for _, p := range changed {
		if d, ok := docPathOf(reg, p, old, new); ok {
			docs[d] = true
		} else {
			other = append(other, p)
		}
	}
	for _, d := range sortedSet(docs) {
		_, inOld := old[d]
		_, inNew := new[d]
		op, data := "~", new[d]
		switch {
		case !inOld:
			op = "+"
		case !inNew:
			op, data = "-", old[d]
		}
		resources = append(resources, op+" "+decoded.label(d, data))
	}
	for _, p := range other {
		_, inOld := old[p]
		_, inNew := new[p]
		switch {
		case p == legacyManifestPath:
			others = append(others, "- "+p+" (run records live on "+string(store.RunsRef)+")")
		case !inOld:
			others = append(others, "+ "+p)
		case !inNew:
			others = append(others, "- "+p)
		default:
			others = append(others, "~ "+p)
		}
	}
	return resources, others
}

// decodedDocs remembers the changed documents one commit decodes, so that
// the audit attribution and the change lines of the message, which both read
// every changed document, parse and validate each only once.
type decodedDocs map[string]decodedDoc

type decodedDoc struct {
	doc resource.Document
	err error
}

// decode is snapshot.DecodeFile(p, data) for the commit's file p.
func (c decodedDocs) decode(p string, data []byte) (resource.Document, error) {
	if d, ok := c[p]; ok {
		return d.doc, d.err
	}
	d, err := snapshot.DecodeFile(p, data)
	c[p] = decodedDoc{d, err}
	return d, err
}

// label names the document p "Kind Name" or "Kind Space/Name", decoded
// through the cache.
func (c decodedDocs) label(p string, data []byte) string {
	d, err := c.decode(p, data)
	return labelOf(p, d, err)
}

// docPathOf finds the document a changed file belongs to: itself, the
// document whose side file it is, or the bundle (theme, extension) whose
// folder holds it. The outermost bundle file wins, as snapshot.Decode reads it.
func docPathOf(reg *kinds.Registry, p string, old, new store.Files) (string, bool) {
	return docOf(reg, p, func(d string) bool {
		_, inNew := new[d]
		_, inOld := old[d]
		return inNew || inOld
	})
}

// docOf is docPathOf with the question "is there a file d" left to exists.
func docOf(reg *kinds.Registry, p string, exists func(d string) bool) (string, bool) {
	top, _, nested := strings.Cut(p, "/")
	var h kinds.Handler
	for _, k := range reg.All() {
		if k.Declared().RepoDir() == top {
			h = k // kinds that share a folder all have flat documents
			break
		}
	}
	if h == nil || !nested {
		return "", false
	}
	fl := reg.Files(h.Kind())
	if fl.Bundle != "" {
		segs := strings.Split(p, "/")
		for i := 2; i < len(segs); i++ {
			d := path.Join(path.Join(segs[:i]...), fl.Bundle)
			if exists(d) {
				return d, true
			}
		}
		return "", false
	}
	for _, suffix := range fl.SideFiles {
		if base, ok := strings.CutSuffix(p, "."+suffix); ok {
			return base + ".yaml", true
		}
	}
	if path.Ext(p) == ".yaml" {
		return p, true
	}
	return "", false
}

// labelOf names a decoded document "Kind Name" or "Kind Space/Name"; a file that
// does not parse is named by its path.
func labelOf(p string, d resource.Document, err error) string {
	if err != nil || d.Kind == "" || d.Metadata.Name == "" {
		return p
	}
	if d.Metadata.Space != "" {
		return d.Kind + " " + d.Metadata.Space + "/" + d.Metadata.Name
	}
	return d.Kind + " " + d.Metadata.Name
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ChangedByTrailer names who changed a resource of the commit, one trailer
// per user and resource: "Changed-by: EMAIL (Kind Name, TIME)", or
// "Changed-by: unknown (Kind Name; WHY)" where the audit log cannot tell.
const ChangedByTrailer = "Changed-by"

// maxChangedBy caps the Changed-by trailers of one commit.
const maxChangedBy = 1000

func changedByTrailers(atts []Attribution) []string {
	var out []string
	for _, a := range atts {
		label := trailerSafe(a.Resource)
		for _, c := range a.By {
			out = append(out, fmt.Sprintf("%s: %s (%s, %s)", ChangedByTrailer, trailerSafe(c.Email), label, c.At.UTC().Format(time.RFC3339)))
		}
		if a.Unknown != "" {
			out = append(out, fmt.Sprintf("%s: unknown (%s; %s)", ChangedByTrailer, label, a.Unknown))
		}
	}
	if len(out) > maxChangedBy {
		n := len(out) - maxChangedBy
		out = append(out[:maxChangedBy], fmt.Sprintf("%s: unknown (%d more not listed)", ChangedByTrailer, n))
	}
	return out
}

// trailerSafe keeps a name from breaking out of its trailer line: control
// characters (a newline could forge a trailer) become escapes.
func trailerSafe(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// ParseChangedBy reads one Changed-by trailer value: the user's email
// ("unknown" when the audit log could not tell), the resource label, and
// the time (zero when unknown) or the reason.
func ParseChangedBy(v string) (who, resource string, at time.Time, why string, ok bool) {
	who, rest, found := strings.Cut(v, " (")
	if !found || !strings.HasSuffix(rest, ")") {
		return "", "", time.Time{}, "", false
	}
	rest = strings.TrimSuffix(rest, ")")
	if who == "unknown" {
		if i := strings.LastIndex(rest, "; "); i >= 0 {
			return who, rest[:i], time.Time{}, rest[i+2:], true
		}
		return who, "", time.Time{}, rest, true
	}
	i := strings.LastIndex(rest, ", ")
	if i < 0 {
		return "", "", time.Time{}, "", false
	}
	t, err := time.Parse(time.RFC3339, rest[i+2:])
	if err != nil {
		return "", "", time.Time{}, "", false
	}
	return who, rest[:i], t, "", true
}

// authorName is the name a commit authored by c carries.
func authorName(c Changer) string {
	if strings.TrimSpace(c.Name) != "" && !strings.ContainsAny(c.Name, "<>\n\r\x00") {
		return c.Name
	}
	return c.Email
}
