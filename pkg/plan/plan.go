package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Action is what a step does to one resource.
type Action string

const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Step is one resource to write.
type Step struct {
	Action Action             `json:"action"`
	Kind   string             `json:"kind"`
	Space  string             `json:"space,omitempty"`
	Name   string             `json:"name"`
	Wave   int                `json:"wave"`
	Fields []diff.Field       `json:"fields,omitempty"`
	Want   *resource.Document `json:"want,omitempty"`
	Have   *resource.Document `json:"have,omitempty"`
	// Secrets names the placeholders a WriteSecrets step writes, and Why
	// says whether they are re-entered or rewritten. Never values.
	Secrets []string `json:"secrets,omitempty"`
	Why     string   `json:"why,omitempty"`
	// Notes are what the kind tells a reviewer about an update beyond its
	// fields, e.g. app content that apply cannot restore in place.
	Notes []string `json:"notes,omitempty"`
}

// StepNoter is a Kinds that has notes on update steps (see Step.Notes).
type StepNoter interface {
	PlanNotes(want, have resource.Document) []string
}

// Key of the step's resource.
func (s Step) Key() resource.Key { return resource.Key{Kind: s.Kind, Space: s.Space, Name: s.Name} }

// Plan is the ordered list of steps plus what a reviewer needs to trust it.
type Plan struct {
	// Tenant is the tenant the plan was made against. Build leaves it
	// empty: the caller, which talked to the tenant, fills it in.
	Tenant Tenant   `json:"tenant"`
	Commit string   `json:"commit"`
	Kinds  []string `json:"kinds"`
	Prune  bool     `json:"prune"`
	Steps  []Step   `json:"steps"`
	// Unresolved lists references the target cannot satisfy and that were
	// allowed through (another tenant, or --allow-unresolved). Apply skips
	// them, reports them and exits 3.
	Unresolved []string `json:"unresolved,omitempty"`
	// CannotRestore lists resources the snapshot cannot recreate, with the
	// reason. They are reported, never planned, so they do not keep a
	// restore from converging.
	CannotRestore []Blocked `json:"cannotRestore"`
	// NeedsReentry is the needs-re-entry list as this plan found it:
	// secrets earlier applies could not write. Those now supplied have a
	// WriteSecrets step (or come with the resource's own step).
	NeedsReentry []Pending `json:"needsReentry"`
	// LiveDigest fingerprints the live state the plan was computed from, so
	// that a saved plan is refused once the tenant has moved on.
	LiveDigest string `json:"liveDigest"`
	// Dangerous lists the steps that change access to the tenant (identity
	// providers, auth settings, IP policies, the caller's own roles). Apply
	// refuses such a plan without --allow-access-changes (pkg/ops/guard.go).
	Dangerous []string `json:"dangerous,omitempty"`
	// Only lists the resources apply --only restores (the selection and
	// what it needs in order to exist); empty means the whole snapshot.
	Only []string `json:"only,omitempty"`
}

// Tenant names a tenant by URL and by the id it reports.
type Tenant struct {
	URL string `json:"url"`
	ID  string `json:"id"`
}

// Kinds is what plan needs to know about kinds: their order and references.
type Kinds interface {
	Wave(kind string) int
	Refs(d resource.Document) []resource.Ref
	// Builtin reports resources every tenant has without listing them, such
	// as Qlik's Everyone group.
	Builtin(k resource.Key) bool
	// Policy is what a kind declares about references to it.
	Policy(kind string) resource.KindPolicy
}

// Input is everything a plan depends on.
type Input struct {
	Commit string
	// Desired is the whole snapshot; Live holds the tenant's documents for
	// every kind in Scope plus any kind that references resolve against.
	Desired []resource.Document
	Live    []resource.Document
	// LiveKinds are the kinds Live was read for. A reference to a kind that
	// was not read (a space, from an automation, when spaces are not
	// selected) cannot be checked here: it passes when the snapshot has the
	// resource, and its handler reports it at write time if the tenant
	// lacks it. Nil means Scope.
	LiveKinds []string
	// Scope is the kinds this run manages: selected by the user and present
	// in the snapshot. Kinds outside it are left alone.
	Scope      []string
	Prune      bool
	MaxDeletes int // 0 means the default brake
	// Supplied tells which placeholders have a value at hand. A placeholder
	// without one is never a change by itself.
	Supplied diff.Supplied
	// Pending is the needs-re-entry list of the last apply to this tenant.
	Pending []Pending
	// RewriteSecrets writes every supplied secret again (rotation).
	RewriteSecrets bool
	// OtherTenant is set when the target is not the repo's own tenant (a
	// restore or migration): a user or group it lacks is skipped and
	// listed, not an error. AllowUnresolved (--allow-unresolved) does the
	// same in the repo's own tenant.
	OtherTenant     bool
	AllowUnresolved bool
	// Locate finds the file and line of a document's field, so that an
	// unresolved reference names them. Nil leaves them out.
	Locate func(doc resource.Key, field string) (file string, line int)
	// Only restricts the plan to these resources (see Only); nil plans
	// every resource in Scope.
	Only map[resource.Key]bool
}

// DefaultMaxDeletes is the brake on prune when --max-deletes is not given.
const DefaultMaxDeletes = 10

// Build computes the plan. It fails when a reference resolves nowhere or
// when pruning would exceed the delete brake.
func Build(k Kinds, in Input) (*Plan, error) {
	want := onlyKeys(resource.OfKinds(in.Desired, in.Scope...), in.Only)
	have := onlyKeys(resource.OfKinds(in.Live, in.Scope...), in.Only)
	kinds := append([]string(nil), in.Scope...)
	sort.Strings(kinds)
	p := &Plan{Commit: in.Commit, Kinds: kinds, Prune: in.Prune, LiveDigest: Digest(have),
		Steps: []Step{}, CannotRestore: []Blocked{}, NeedsReentry: currentPending(in, want)}
	for key := range in.Only {
		p.Only = append(p.Only, key.String())
	}
	sort.Strings(p.Only)
	if err := checkRefs(k, in, want, in.Live, p); err != nil {
		return nil, err
	}
	for _, c := range diff.Live(have, want, in.Supplied) {
		if k.Policy(c.Kind).ReadOnly {
			continue // for reference only: nothing can write it
		}
		if k.Policy(c.Kind).Singleton && c.Op != diff.Changed {
			// A singleton always exists and cannot be created or deleted;
			// a document under another name is refused by its check.
			continue
		}
		step := Step{Kind: c.Kind, Space: c.Space, Name: c.Name, Wave: k.Wave(c.Kind), Fields: c.Fields, Want: c.New, Have: c.Old}
		switch c.Op {
		case diff.Added:
			step.Action = Create
		case diff.Changed:
			step.Action = Update
			if n, ok := k.(StepNoter); ok {
				step.Notes = n.PlanNotes(*c.New, *c.Old)
			}
		case diff.Removed:
			if !in.Prune {
				continue
			}
			step.Action = Delete
		}
		p.Steps = append(p.Steps, step)
	}
	cannotRestore(k, p)
	in.Pending = p.NeedsReentry
	secretSteps(k, in, want, have, p)
	order(p.Steps)
	if err := brake(p.Steps, have, in.MaxDeletes); err != nil {
		return nil, err
	}
	return p, nil
}

// order sorts creates and updates by wave, kind, name, then deletes in
// reverse wave order, so dependents go before what they depend on.
func order(steps []Step) {
	sort.SliceStable(steps, func(i, j int) bool {
		a, b := steps[i], steps[j]
		ad, bd := a.Action == Delete, b.Action == Delete
		if ad != bd {
			return !ad
		}
		if a.Wave != b.Wave {
			if ad {
				return a.Wave > b.Wave
			}
			return a.Wave < b.Wave
		}
		return a.Key().Less(b.Key())
	})
}

// brake refuses a prune that deletes more than the limit. Without an
// explicit limit a kind may lose at most 10% of its resources (at least one)
// and the run at most DefaultMaxDeletes.
func brake(steps []Step, have []resource.Document, explicit int) error {
	perKind := map[string]int{}
	total := 0
	for _, s := range steps {
		if s.Action == Delete {
			perKind[s.Kind]++
			total++
		}
	}
	if explicit > 0 {
		if total > explicit {
			return fmt.Errorf("prune would delete %d resources, more than --max-deletes %d; raise --max-deletes to proceed", total, explicit)
		}
		return nil
	}
	if total > DefaultMaxDeletes {
		return fmt.Errorf("prune would delete %d resources, more than the default limit of %d; pass --max-deletes %d to proceed", total, DefaultMaxDeletes, total)
	}
	count := map[string]int{}
	for _, d := range have {
		count[d.Kind]++
	}
	for _, kind := range sortedKeys(perKind) {
		limit := int(math.Ceil(float64(count[kind]) * 0.10))
		if limit < 1 {
			limit = 1
		}
		if perKind[kind] > limit {
			return fmt.Errorf("prune would delete %d of %d %s resources, more than 10%%; pass --max-deletes %d to proceed", perKind[kind], count[kind], kind, total)
		}
	}
	return nil
}

// Digest fingerprints documents, ignoring order.
func Digest(docs []resource.Document) string {
	sorted := append([]resource.Document(nil), docs...)
	resource.Sort(sorted)
	b, _ := json.Marshal(sorted)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Counts returns how many steps of each action the plan has.
func (p *Plan) Counts() map[Action]int {
	n := map[Action]int{}
	for _, s := range p.Steps {
		n[s.Action]++
	}
	return n
}
