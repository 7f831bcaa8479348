package apply

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/resource"
)

// issuingKind is a fakeKind whose creates get tenant-issued ids, and that
// may declare that something outside the tenant refers to them.
type issuingKind struct {
	fakeKind
	referencedBy string
}

func (k issuingKind) Declared() kinds.Desc {
	d := k.fakeKind.Declared()
	d.Policy.IDReferencedOutside = k.referencedBy
	return d
}

func (k issuingKind) Create(ctx context.Context, t *kinds.Tenant, d resource.Document) (kinds.Result, error) {
	res, err := k.fakeKind.Create(ctx, t, d)
	res.ID = "new-" + d.Metadata.Name
	return res, err
}

// Only a create of a kind whose ids are referenced outside the tenant
// reports its new id, with the old one when the snapshot recorded it.
func TestNewIDsOfCreatesThatOthersReference(t *testing.T) {
	log := &callLog{}
	reg := kinds.NewRegistry(
		issuingKind{fakeKind{"Embed", 0, nil, log}, "update the embedding sites"},
		issuingKind{fakeKind{"Group", 0, nil, log}, ""},
	)
	withID := func(s plan.Step, id string) plan.Step {
		d := *s.Want
		d.Metadata.ID = id
		s.Want = &d
		return s
	}
	p := &plan.Plan{Steps: []plan.Step{
		withID(step(plan.Create, "Embed", 0, "portal"), "old-portal"),
		step(plan.Create, "Embed", 0, "handmade"),
		withID(step(plan.Create, "Group", 0, "g"), "old-g"),
		withID(step(plan.Update, "Embed", 0, "intranet"), "same"),
	}}
	p.Steps[3].Have = p.Steps[3].Want
	r, err := Run(context.Background(), reg, nil, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Embed portal: new id new-portal (was old-portal): update the embedding sites",
		"Embed handmade: new id new-handmade: update the embedding sites",
	}
	if diff := cmp.Diff(want, r.NewIDs()); diff != "" {
		t.Errorf("NewIDs (-want +got):\n%s", diff)
	}
	if got := r.Outcomes[0].NewID; got == nil || got.ID != "new-portal" || got.Was != "old-portal" {
		t.Errorf("outcome of the create = %+v, want new-portal replacing old-portal", got)
	}
}
