package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// Automations handles Qlik Automate automations. The workspace (the blocks
// of the automation) lives in a side file, <slug>.workspace.json, pretty
// printed with sorted keys so that a changed block is a small diff. Qlik
// shows an automation's definition only to its owner; one the exporting
// user may not see is exported without it, marked, and named in the
// manifest.
var Automations = automations{Desc{
	KindName: "Automation", FolderName: "automations",
	ListPath: "/api/v1/automations", Query: url.Values{"limit": {"200"}, "listAll": {"true"}}, GetEach: true,
	DependsOn: []string{"User", "Space", "AutomationConnection"},
	Coverage: Coverage{
		Exported: "name, space, owner, description, state, schedules, max concurrent runs, workspace (side file)",
		Restored: "created, updated (PUT), enabled/disabled, moved, owner changed, pruned",
		Reentry:  "-",
		LeftOut:  "the definition of an automation only its owner may read: exported without it, named in the manifest, never overwritten; run history and execution tokens",
	},
}}

type automations struct{ Desc }

const workspaceFile = "workspace.json"

type automationSpec struct {
	Space             string     `json:"space,omitempty"`
	Owner             string     `json:"owner,omitempty"`
	Description       string     `json:"description,omitempty"`
	State             string     `json:"state"`
	MaxConcurrentRuns int        `json:"maxConcurrentRuns,omitempty"`
	Schedules         []schedule `json:"schedules,omitempty"`
	// DefinitionVisible is false when the exporting user could not read the
	// workspace; apply then leaves the definition alone.
	DefinitionVisible *bool `json:"definitionVisible,omitempty"`
}

type schedule struct {
	// Recurrence is an RFC 5545 RRULE; Qlik's client types have it though
	// the OpenAPI file does not, and it wins over Interval.
	Recurrence string `json:"recurrence,omitempty"`
	StartAt    string `json:"startAt,omitempty"`
	StopAt     string `json:"stopAt,omitempty"`
	Interval   int    `json:"interval,omitempty"`
	Timezone   string `json:"timezone,omitempty"`
}

type apiAutomation struct {
	ID                string          `json:"id"`
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	State             string          `json:"state"`
	OwnerID           string          `json:"ownerId"`
	SpaceID           string          `json:"spaceId"`
	MaxConcurrentRuns int             `json:"maxConcurrentRuns"`
	Schedules         []schedule      `json:"schedules"`
	Workspace         json.RawMessage `json:"workspace"`
	UpdatedAt         string          `json:"updatedAt"`
}

func (automations) FileLayout() resource.FileLayout {
	return resource.FileLayout{SideFiles: []string{workspaceFile}}
}

func (automations) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[automationSpec](d)
	if err != nil {
		return nil
	}
	return ownerAndSpaceRefs(s.Owner, s.Space)
}

func ownerAndSpaceRefs(owner, space string) []resource.Ref {
	var refs []resource.Ref
	if u, ok := resource.ParseUserRef(owner); ok {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: u}, Field: "spec.owner"})
	}
	if space != "" {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Space", Name: space}, Field: "spec.space"})
	}
	return refs
}

func (automations) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	var list []apiAutomation
	q := url.Values{"limit": {"200"}, "listAll": {"true"}}
	if err := t.API.ListAll(ctx, "/api/v1/automations", q, decodeInto(&list)); err != nil {
		return nil, fmt.Errorf("read automations: %w", err)
	}
	docs := make([]resource.Document, len(list))
	err := forEach(ctx, len(list), func(ctx context.Context, i int) error {
		d, err := readAutomation(ctx, t, list[i])
		docs[i] = t.Prior.Settle(d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

// readAutomation normalizes one automation. The list lacks the workspace
// and the schedules, so each automation is read once more on its own,
// unless its updatedAt has not moved since the last snapshot, whose
// document then has them.
func readAutomation(ctx context.Context, t *Tenant, a apiAutomation) (resource.Document, error) {
	if prior, ok := t.Prior.Unchanged("Automation", a.ID, a.UpdatedAt); ok {
		return reuseAutomation(ctx, t, a, prior)
	}
	var full apiAutomation
	err := t.API.Do(ctx, http.MethodGet, "/api/v1/automations/"+url.PathEscape(a.ID), nil, &full)
	visible := true
	switch {
	case qlik.StatusOf(err) == http.StatusForbidden:
		visible, full = false, a
	case err != nil:
		return resource.Document{}, fmt.Errorf("read automation %q: %w", a.Name, err)
	}
	return automationDoc(ctx, t, a, full, visible)
}

// automationDoc normalizes an automation: a is the list item, full the
// item with its workspace and schedules (a itself when not visible).
func automationDoc(ctx context.Context, t *Tenant, a, full apiAutomation, visible bool) (resource.Document, error) {
	owner, _, err := t.Names.KeyOf(ctx, "User", full.OwnerID)
	if err != nil {
		return resource.Document{}, err
	}
	space, _, err := t.Names.KeyOf(ctx, "Space", full.SpaceID)
	if err != nil {
		return resource.Document{}, err
	}
	spec := automationSpec{
		Space:             space,
		Description:       full.Description,
		State:             automationState(full.State),
		MaxConcurrentRuns: full.MaxConcurrentRuns,
		Schedules:         full.Schedules,
	}
	if owner != "" {
		spec.Owner = resource.UserRef(owner)
	}
	var files map[string][]byte
	if visible {
		ws, err := prettyJSON(full.Workspace)
		if err != nil {
			return resource.Document{}, fmt.Errorf("automation %q: workspace: %w", a.Name, err)
		}
		files = map[string][]byte{workspaceFile: ws}
	} else {
		hidden := false
		spec.DefinitionVisible = &hidden
		t.Warnf("automation %q (owner %s): its definition is visible only to its owner; exported without the workspace", a.Name, orDefault(owner, a.OwnerID))
	}
	d, err := toDoc("Automation", a.Name, a.ID, spec)
	d.Files, d.Metadata.Modified = files, a.UpdatedAt
	return d, err
}

// reuseAutomation builds the document from the list item and, for what
// only a GET returns (workspace, schedules, whether the definition is
// visible), the last snapshot's document of the unchanged automation.
func reuseAutomation(ctx context.Context, t *Tenant, a apiAutomation, prior resource.Document) (resource.Document, error) {
	old, err := specOf[automationSpec](prior)
	if err != nil {
		return resource.Document{}, err
	}
	full := a
	full.Schedules = old.Schedules
	if visibleDefinition(old) {
		ws, ok := prior.Files[workspaceFile]
		if !ok {
			return resource.Document{}, fmt.Errorf("automation %q: the last snapshot has no %s", a.Name, workspaceFile)
		}
		full.Workspace = json.RawMessage(ws)
	}
	return automationDoc(ctx, t, a, full, visibleDefinition(old))
}

// automationState maps Qlik's states to what a user can set: "unavailable"
// is Qlik's own verdict (a missing license, say), not a switch.
func automationState(s string) string {
	if s == "disabled" {
		return "disabled"
	}
	return "enabled"
}

// prettyJSON renders JSON with sorted keys and two-space indent, so that
// the same workspace always gives the same bytes.
func prettyJSON(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func visibleDefinition(s automationSpec) bool {
	return s.DefinitionVisible == nil || *s.DefinitionVisible
}

var errNoWorkspace = errors.New("workspace side file is missing")

func workspaceOf(d resource.Document) (json.RawMessage, error) {
	b, ok := d.Files[workspaceFile]
	if !ok {
		return nil, fmt.Errorf("%s: %w", d.Key(), errNoWorkspace)
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("%s: %s is not valid JSON", d.Key(), workspaceFile)
	}
	return json.RawMessage(b), nil
}
