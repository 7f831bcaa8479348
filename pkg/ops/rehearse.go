package ops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
	"github.com/qlikops/qlikops/pkg/sim"
	"github.com/qlikops/qlikops/pkg/store"
)

// RehearseResult is the verdict of a rehearsed restore and the report of
// what the snapshot takes to restore.
type RehearseResult struct {
	Commit string `json:"commit"`
	// OK is true when every restorable resource came back identical.
	OK bool `json:"ok"`
	// Identical counts the restorable resources that came back identical.
	Identical int `json:"identical"`
	// Different are the restorable resources that did not, with why.
	Different []RehearsedResource `json:"different"`
	// NotRestorable are the resources the report says apply does not
	// restore (cannot restore, manual), and whether they came back anyway.
	NotRestorable []RehearsedResource `json:"notRestorable"`
	// Extra are resources the restored tenant has and the snapshot lacks.
	Extra []RehearsedResource `json:"extra"`
	// Seeded counts the resources the rehearsal tenant started with: what
	// the identity provider creates (users, synced groups).
	Seeded int `json:"seeded"`
	// Applied counts apply's steps by outcome.
	Applied map[apply.Status]int `json:"applied"`
	Report  RestoreReport        `json:"report"`
}

// RehearsedResource is one resource whose rehearsal is worth a line.
type RehearsedResource struct {
	Kind  string       `json:"kind"`
	Space string       `json:"space,omitempty"`
	Name  string       `json:"name"`
	File  string       `json:"file,omitempty"`
	Class RestoreClass `json:"class,omitempty"`
	// Came back is false when the restored tenant lacks the resource.
	CameBack bool `json:"cameBack"`
	// Fields are the differences, snapshot to restored tenant.
	Fields []diff.Field `json:"fields,omitempty"`
	// Why collects what apply said about the resource (a failure, a skip,
	// an unresolved reference) and, for what is not restorable, the report's
	// reason.
	Why []string `json:"why,omitempty"`
}

// Key of the resource.
func (r RehearsedResource) Key() resource.Key {
	return resource.Key{Kind: r.Kind, Space: r.Space, Name: r.Name}
}

// Rehearse restores a revision into a simulated tenant that holds only what
// the identity provider provides (the snapshot's users and synced groups),
// with a generated value for every secret placeholder, exports that tenant
// into a temporary repo, and compares it with the snapshot document by
// document, ids aside. No tenant is touched and the repo is only read.
func Rehearse(ctx context.Context, env Env, ref string) (RehearseResult, error) {
	repo, err := store.Open(env.RepoDir)
	if err != nil {
		return RehearseResult{}, err
	}
	snap, err := LoadSnapshot(repo, env.Registry, ref)
	if err != nil {
		return RehearseResult{}, err
	}
	hs, err := scope(env, snap)
	if err != nil {
		return RehearseResult{}, err
	}
	want := only(snap.Docs, hs)
	res := RehearseResult{Commit: snap.Commit, Report: classifySnapshot(env.Registry, snap.Commit, want), Applied: map[apply.Status]int{},
		Different: []RehearsedResource{}, NotRestorable: []RehearsedResource{}, Extra: []RehearsedResource{}}

	work, err := os.MkdirTemp("", "qlikops-rehearse-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(work)
	seedDir := filepath.Join(work, "seed")
	if res.Seeded, err = writeIdPSeed(env.Registry, snap.Docs, seedDir); err != nil {
		return res, err
	}
	client, stop, err := startRehearsalTenant(seedDir)
	if err != nil {
		return res, err
	}
	defer stop()

	renv := env
	renv.Client, renv.OtherTenant, renv.Target = client, true, Identity{URL: client.TenantURL()}
	renv.Secrets = generatedSecrets(want)
	t := kinds.NewTenant(client)
	t.Secrets = renv.Secrets
	p, err := planOn(ctx, renv, t, PlanOptions{Ref: snap.Commit})
	if err != nil {
		return res, fmt.Errorf("the rehearsal could not plan the restore: %w", err)
	}
	rep, err := apply.Run(ctx, env.Registry, t, p, apply.Options{})
	if err != nil {
		return res, fmt.Errorf("the rehearsal's apply: %w", err)
	}
	for _, oc := range rep.Outcomes {
		res.Applied[oc.Status]++
	}

	back, err := exportRehearsal(ctx, renv, filepath.Join(work, "repo"))
	if err != nil {
		return res, err
	}
	compareRehearsal(&res, snap, want, only(back, hs), p, rep)
	return res, nil
}

// writeIdPSeed writes qliksim seed files holding what the identity
// provider creates, as the kinds declare it (kinds.Provisioned): one
// <folder>.yaml per kind. It returns how many resources it seeded.
func writeIdPSeed(reg *kinds.Registry, docs []resource.Document, dir string) (int, error) {
	rows := map[string][]map[string]any{}
	n := 0
	for _, d := range docs {
		_, row, ok := reg.FromIdentityProvider(d)
		if !ok || row == nil {
			continue
		}
		h, _ := reg.Get(d.Kind)
		rows[h.Folder()] = append(rows[h.Folder()], row)
		n++
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	for folder, rs := range rows {
		b, err := yaml.Marshal(rs)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, folder+".yaml"), b, 0o600); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// startRehearsalTenant serves qliksim in-process on a free loopback port,
// seeded from dir, behind a key made up for this run.
func startRehearsalTenant(dir string) (*qlik.Client, func(), error) {
	key := "rehearsal-" + randomHex(16)
	s := sim.New(sim.Options{APIKey: key})
	if err := s.LoadSeed(dir); err != nil {
		return nil, nil, fmt.Errorf("the rehearsal tenant cannot hold the snapshot's users and groups: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	c, err := qlik.New(qlik.Config{TenantURL: "http://" + ln.Addr().String(), APIKey: key, Tier1PerMin: -1, Tier2PerMin: -1, UserAgent: "qlikops-rehearse"})
	if err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}

// generatedSecrets gives every placeholder of the documents a value of its
// own, made up for this run and never shown.
func generatedSecrets(docs []resource.Document) *secrets.Store {
	values := map[string]string{}
	for _, d := range docs {
		for _, name := range plan.Placeholders(d) {
			values[name] = "rehearsal-" + randomHex(16)
		}
	}
	return secrets.NewStore(values, func(string) string { return "" })
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// exportRehearsal exports the rehearsal tenant into a fresh repo and reads
// the snapshot back, so that the comparison goes through the files.
func exportRehearsal(ctx context.Context, env Env, dir string) ([]resource.Document, error) {
	env.RepoDir, env.Progress, env.Warn, env.Branch, env.Author = dir, nil, nil, "", "qlikops rehearse <qlikops@localhost>"
	if _, err := Export(ctx, env); err != nil {
		return nil, fmt.Errorf("the rehearsal could not export the restored tenant: %w", err)
	}
	repo, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	back, err := LoadSnapshot(repo, env.Registry, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("the rehearsal's export: %w", err)
	}
	return back.Docs, nil
}

// compareRehearsal sorts every resource of the snapshot into identical,
// different or not restorable, by the report's class, with what apply said
// about each.
func compareRehearsal(res *RehearseResult, snap Snapshot, want, back []resource.Document, p *plan.Plan, rep apply.Report) {
	changes := map[resource.Key]diff.Change{}
	for _, c := range diff.Documents(want, back) {
		if c.Op == diff.Added {
			res.Extra = append(res.Extra, RehearsedResource{Kind: c.Kind, Space: c.Space, Name: c.Name, CameBack: true})
			continue
		}
		changes[c.Key()] = c
	}
	said := map[resource.Key][]string{}
	for _, oc := range rep.Outcomes {
		if oc.Status != apply.Done && oc.Reason != "" {
			said[oc.Key()] = append(said[oc.Key()], fmt.Sprintf("apply %s: %s", oc.Status, oc.Reason))
		}
		for _, n := range oc.NotApplied {
			said[oc.Key()] = append(said[oc.Key()], "not applied: "+n)
		}
	}
	for _, e := range res.Report.Entries {
		// The plan words an unresolved reference "KIND/NAME: field: what".
		prefix := e.Key().String() + ": "
		for _, u := range p.Unresolved {
			if strings.HasPrefix(u, prefix) {
				said[e.Key()] = append(said[e.Key()], "unresolved "+strings.TrimPrefix(u, prefix))
			}
		}
		c, differs := changes[e.Key()]
		r := RehearsedResource{Kind: e.Kind, Space: e.Space, Name: e.Name, File: snap.sources[e.Key()], Class: e.Class,
			CameBack: !differs || c.Op != diff.Removed, Why: said[e.Key()]}
		if differs {
			r.Fields = c.Fields
		}
		switch {
		case !e.Class.Restorable():
			if e.Why != "" {
				r.Why = append(r.Why, e.Why)
			}
			res.NotRestorable = append(res.NotRestorable, r)
		case differs:
			res.Different = append(res.Different, r)
		default:
			res.Identical++
		}
	}
	sort.Slice(res.Extra, func(i, j int) bool { return res.Extra[i].Key().Less(res.Extra[j].Key()) })
	res.OK = len(res.Different) == 0
}

// Summary is the verdict in one line.
func (r RehearseResult) Summary() string {
	restorable := r.Identical + len(r.Different)
	if r.OK {
		return fmt.Sprintf("PASS: all %d restorable resources came back identical", restorable)
	}
	var names []string
	for _, d := range r.Different {
		names = append(names, d.Kind+" "+d.Key().Display())
	}
	return fmt.Sprintf("FAIL: %d of %d restorable resources did not come back identical: %s", len(r.Different), restorable, strings.Join(names, ", "))
}
