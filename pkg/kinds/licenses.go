package kinds

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// LicenseAssignments is who holds which licence type, one document for the
// whole tenant (tenant/license-assignments.yaml), users by email. It is one
// document rather than one per user because seats are shared: apply must
// free seats before it takes them (unassign, then change types, then
// assign) and must decide the same way every time which users get the last
// seats (in the order of the document, by email); steps of one wave run in
// parallel and could do neither. Qlik's actions take many users per call, so
// a restore of a thousand assignments is a few requests, not a thousand.
//
// Like the tenant's settings it is a singleton: never created or deleted,
// unmanaged when its file is absent. Apply reports every user it could not
// assign (no seat left of that type) under the step, which then fails:
// the run is partial (exit 3), and the users that fitted are assigned.
var LicenseAssignments = licenseAssignmentsKind{Desc{
	KindName: "LicenseAssignments", FolderName: "license-assignments", Dir: tenantDir,
	ListPath: "/api/v1/licenses/assignments", Query: limit100(),
	DependsOn: []string{"User"},
	Policy:    resource.KindPolicy{Singleton: true},
	Coverage: Coverage{
		Exported: "`tenant/license-assignments.yaml`: which user (by email, else subject) holds which licence type (professional, analyzer)",
		Restored: "one document for the tenant: apply unassigns what it leaves out, changes types, then assigns, in batched actions in the document's order, so seats are freed before they are taken and the same users get the last seats every time; each user the licence has no seat left for is named (`not applied: jane@…: as professional: no professional seat left`) and the apply is partial (exit 3)",
		Reentry:  "users not in the target (reported as unresolved)",
		LeftOut:  "assignments of subjects no user has (orphans: they cannot be named by email; listed in a warning)",
	},
	ElementKeys: [][]string{{"user"}},
}}

type licenseAssignmentsKind struct{ Desc }

type licenseAssignmentsSpec struct {
	Assignments []licenseAssignment `json:"assignments"`
}

// licenseAssignment is one user's licence type (professional, analyzer).
type licenseAssignment struct {
	User string `json:"user"`
	Type string `json:"type"`
}

type apiLicenceAssignment struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
}

// assignmentsPath is where the add, update and delete actions live.
const assignmentsPath = "/api/v1/licenses/assignments/actions/"

func (k licenseAssignmentsKind) docName() string { return k.FolderName }

func (k licenseAssignmentsKind) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[licenseAssignmentsSpec](d)
	if err != nil {
		return nil
	}
	var refs []resource.Ref
	for i, a := range s.Assignments {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: a.User}, Field: fmt.Sprintf("spec.assignments[%d].user", i)})
	}
	return refs
}

// Check implements Checker: the singleton's name, one assignment per user.
func (k licenseAssignmentsKind) Check(d resource.Document) []Problem {
	if d.Metadata.Name != k.docName() {
		return []Problem{{Field: "metadata.name", Msg: fmt.Sprintf("%s is a singleton named %q, not %q", k.KindName, k.docName(), d.Metadata.Name)}}
	}
	s, err := specOf[licenseAssignmentsSpec](d)
	if err != nil {
		return []Problem{{Field: "spec", Msg: err.Error()}}
	}
	var out []Problem
	seen := map[string]int{}
	for i, a := range s.Assignments {
		if j, dup := seen[strings.ToLower(a.User)]; dup {
			out = append(out, Problem{Field: fmt.Sprintf("spec.assignments[%d].user", i),
				Msg: fmt.Sprintf("%s holds one licence; it is already assigned at spec.assignments[%d]", a.User, j)})
		}
		seen[strings.ToLower(a.User)] = i
	}
	return out
}

// userSubjects maps each user's id to its subject and each subject to the
// name documents use (email, else subject), from the user directory.
func userSubjects(ctx context.Context, t *Tenant) (subjectOfID, refOfSubject map[string]string, err error) {
	users, err := listed[apiUser](ctx, t, "User")
	if err != nil {
		return nil, nil, fmt.Errorf("read users: %w", err)
	}
	subjectOfID, refOfSubject = map[string]string{}, map[string]string{}
	for _, u := range users {
		subjectOfID[u.ID] = u.Subject
		refOfSubject[u.Subject] = u.ref()
	}
	return subjectOfID, refOfSubject, nil
}

// Read implements Handler: every assignment, named by its user. An
// assignment whose subject no user has (an orphan) cannot be named by
// email; it is left out with a warning.
func (k licenseAssignmentsKind) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	fail := func(err error) error { return fmt.Errorf("read licence assignments (GET %s): %w", k.ListPath, err) }
	var items []apiLicenceAssignment
	if err := t.API.ListPages(ctx, k.ListPath, k.ListOptions(), decodeInto(&items)); err != nil {
		return nil, fail(err)
	}
	for i, a := range items {
		if a.Subject == "" || a.Type == "" {
			return nil, fail(fmt.Errorf("assignment %d has no subject or type", i+1))
		}
	}
	_, refOf, err := userSubjects(ctx, t)
	if err != nil {
		return nil, fail(err)
	}
	spec := licenseAssignmentsSpec{Assignments: []licenseAssignment{}}
	var orphans []string
	for _, a := range items {
		ref, ok := refOf[a.Subject]
		if !ok {
			orphans = append(orphans, a.Subject)
			continue
		}
		spec.Assignments = append(spec.Assignments, licenseAssignment{User: ref, Type: a.Type})
	}
	sort.Slice(spec.Assignments, func(i, j int) bool { return spec.Assignments[i].User < spec.Assignments[j].User })
	if len(orphans) > 0 {
		sort.Strings(orphans)
		t.Warnf("licence assignments of %d subjects no user has (orphans) are left out: %s", len(orphans), strings.Join(orphans, ", "))
	}
	id, err := t.TenantID(ctx)
	if err != nil {
		return nil, fail(err)
	}
	d, err := toDoc(k.KindName, k.docName(), id, spec)
	if err != nil {
		return nil, fail(err)
	}
	return sorted([]resource.Document{d})
}

// Create implements Handler: the tenant always has its assignments.
func (k licenseAssignmentsKind) Create(context.Context, *Tenant, resource.Document) (Result, error) {
	return Result{Skipped: "a tenant always has its licence assignments; they are updated, never created"}, nil
}

// Delete implements Handler.
func (k licenseAssignmentsKind) Delete(context.Context, *Tenant, resource.Document) (Result, error) {
	return Result{Skipped: "licence assignments cannot be deleted as a whole"}, nil
}

// License is the tenant's licence as Qlik reports it (GET
// /api/v1/licenses/overview): its number, product, validity and the seats
// of each allotment. It is exported for reference only
// (tenant/license.yaml): Qlik sets these facts, no API changes them, so
// plan never plans a step for it (Policy.ReadOnly); diff and drift show a
// change (a renewal, more seats). Units used are left out: they follow
// from the assignments, and would change the document with every one.
// The licence key is a credential and is never read into the document.
var License = licenseKind{Singleton[apiLicenseOverview, licenseSpec]{
	Desc: Desc{KindName: "License", FolderName: "license", Dir: tenantDir, ListPath: "/api/v1/licenses/overview",
		Policy: resource.KindPolicy{ReadOnly: true}, Coverage: Coverage{
			Exported: "`tenant/license.yaml`, for reference only: licence number, product, trial, validity, each allotment's seats (units, overage, usage class)",
			Restored: "never: Qlik sets these facts, so plan plans no step for it; diff and drift show a change (a renewal, more seats)",
			Reentry:  "-",
			LeftOut:  "the licence key (a credential), units used (they follow from the assignments), consumption",
		}},
	Requires: []string{"licenseNumber", "allotments"},
	FromAPI: func(_ context.Context, _ *Tenant, a apiLicenseOverview) (licenseSpec, string, error) {
		s := licenseSpec{LicenseNumber: a.LicenseNumber, SecondaryNumber: a.SecondaryNumber, Product: a.Product,
			Trial: a.Trial, Valid: a.Valid, Allotments: []licenseAllotment{}}
		for _, al := range a.Allotments {
			s.Allotments = append(s.Allotments, licenseAllotment{Name: al.Name, Units: al.Units, Overage: al.Overage, UsageClass: al.UsageClass})
		}
		sort.Slice(s.Allotments, func(i, j int) bool { return s.Allotments[i].Name < s.Allotments[j].Name })
		return s, "", nil
	},
}}

type licenseKind struct {
	Singleton[apiLicenseOverview, licenseSpec]
}

// Update implements Handler: nothing can change a licence. Plan never
// plans it; a hand-made plan that does is told so.
func (k licenseKind) Update(ctx context.Context, t *Tenant, want, have resource.Document) (Result, error) {
	if err := ownTenantDoc(ctx, t, k.KindName, k.ListPath, have); err != nil {
		return Result{}, err
	}
	if unchanged(want, have) {
		return Result{}, nil
	}
	return Result{Skipped: "the licence is Qlik's to set: tenant/license.yaml is for reference only"}, nil
}

// ownTenantDoc refuses a singleton document read from another tenant as
// if it were this tenant's, with the not-found a missing id gets elsewhere.
func ownTenantDoc(ctx context.Context, t *Tenant, kind, path string, have resource.Document) error {
	if have.Metadata.ID == "" {
		return nil
	}
	tid, err := t.TenantID(ctx)
	if err != nil {
		return err
	}
	if have.Metadata.ID != tid {
		return &qlik.Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: path,
			Errors: []qlik.ErrorItem{{Title: fmt.Sprintf("%s %s is not this tenant's (%s)", kind, have.Metadata.ID, tid)}}}
	}
	return nil
}

// apiLicenseOverview is licenseOverview without the licence key.
type apiLicenseOverview struct {
	LicenseNumber   string `json:"licenseNumber"`
	SecondaryNumber string `json:"secondaryNumber"`
	Product         string `json:"product"`
	Trial           bool   `json:"trial"`
	Valid           string `json:"valid"`
	Allotments      []struct {
		Name       string `json:"name"`
		Units      int    `json:"units"`
		Overage    int    `json:"overage"`
		UsageClass string `json:"usageClass"`
	} `json:"allotments"`
}

type licenseSpec struct {
	LicenseNumber   string             `json:"licenseNumber"`
	SecondaryNumber string             `json:"secondaryNumber,omitempty"`
	Product         string             `json:"product"`
	Trial           bool               `json:"trial"`
	Valid           string             `json:"valid,omitempty"`
	Allotments      []licenseAllotment `json:"allotments"`
}

// licenseAllotment is a licence type's seats (units); overage -1 is
// unbounded.
type licenseAllotment struct {
	Name       string `json:"name"`
	Units      int    `json:"units"`
	Overage    int    `json:"overage,omitempty"`
	UsageClass string `json:"usageClass,omitempty"`
}
