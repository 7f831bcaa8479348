package kinds

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/qlikops/qlikops/pkg/resource"
)

// Spaces handles shared, managed and data spaces together with their members
// (the space's role assignments). The owner has no assignment row in Qlik; it
// is written as spec.owner.
var Spaces = spaces{Desc{
	KindName: "Space", FolderName: "spaces",
	ListPath: "/api/v1/spaces", Query: limit100(),
	PerItem:     []string{"assignments"},
	DependsOn:   []string{"User", "Group"},
	Policy:      resource.KindPolicy{Container: true},
	ElementKeys: [][]string{{"group", "user"}},
	Coverage: Coverage{
		Exported: "name, type, description, owner, members with roles",
		Restored: "created; description, owner and members reconciled; deleted with `--prune`",
		Reentry:  "members whose user is not in the target (reported)",
		LeftOut:  "a change of `type`: Qlik makes it immutable",
	},
}}

type spaces struct{ Desc }

type spaceSpec struct {
	Type        string   `json:"type"`
	Description string   `json:"description,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	Members     []member `json:"members,omitempty"`
}

// member is one role assignment. Exactly one of User and Group is set.
type member struct {
	Group string   `json:"group,omitempty"`
	User  string   `json:"user,omitempty"`
	Roles []string `json:"roles"`
}

func (m member) ref() string {
	if m.Group != "" {
		return "group:" + m.Group
	}
	return "user:" + m.User
}

type apiSpace struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	OwnerID     string `json:"ownerId"`
}

type apiAssignment struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	AssigneeID string   `json:"assigneeId"`
	Roles      []string `json:"roles"`
}

func (spaces) Refs(d resource.Document) []resource.Ref {
	s, err := specOf[spaceSpec](d)
	if err != nil {
		return nil
	}
	var refs []resource.Ref
	if u, ok := resource.ParseUserRef(s.Owner); ok {
		refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: u}, Field: "spec.owner"})
	}
	for i, m := range s.Members {
		if m.Group != "" {
			refs = append(refs, resource.Ref{Key: resource.Key{Kind: "Group", Name: m.Group}, Field: fmt.Sprintf("spec.members[%d].group", i)})
		} else {
			refs = append(refs, resource.Ref{Key: resource.Key{Kind: "User", Name: m.User}, Field: fmt.Sprintf("spec.members[%d].user", i)})
		}
	}
	return refs
}

func (spaces) Read(ctx context.Context, t *Tenant) ([]resource.Document, error) {
	spaces, err := listed[apiSpace](ctx, t, "Space")
	if err != nil {
		return nil, err
	}
	docs := make([]resource.Document, len(spaces))
	err = forEach(ctx, len(spaces), func(ctx context.Context, i int) error {
		d, err := readSpace(ctx, t, spaces[i])
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return sorted(docs)
}

func readSpace(ctx context.Context, t *Tenant, sp apiSpace) (resource.Document, error) {
	rows, err := listAll[apiAssignment](ctx, t.API, "/api/v1/spaces/"+url.PathEscape(sp.ID)+"/assignments", 100)
	if err != nil {
		return resource.Document{}, fmt.Errorf("read members of space %q: %w", sp.Name, err)
	}
	spec := spaceSpec{Type: sp.Type, Description: sp.Description}
	if sp.OwnerID != "" {
		owner, ok, err := t.Names.KeyOf(ctx, "User", sp.OwnerID)
		if err != nil {
			return resource.Document{}, err
		}
		if ok {
			spec.Owner = resource.UserRef(owner)
		} else {
			t.Warnf("space %q: owner %s is not a listed user; owner left out", sp.Name, sp.OwnerID)
		}
	}
	for _, a := range rows {
		m, ok, err := memberOf(ctx, t, a)
		if err != nil {
			return resource.Document{}, err
		}
		if !ok {
			t.Warnf("space %q: assignment of %s %s does not resolve to a listed user or group; left out", sp.Name, a.Type, a.AssigneeID)
			continue
		}
		spec.Members = append(spec.Members, m)
	}
	sortMembers(spec.Members)
	return toDoc("Space", sp.Name, sp.ID, spec)
}

func memberOf(ctx context.Context, t *Tenant, a apiAssignment) (member, bool, error) {
	roles := sortedCopy(a.Roles)
	switch a.Type {
	case "user":
		ref, ok, err := t.Names.KeyOf(ctx, "User", a.AssigneeID)
		return member{User: ref, Roles: roles}, ok, err
	case "group":
		name, ok, err := t.Names.KeyOf(ctx, "Group", a.AssigneeID)
		return member{Group: name, Roles: roles}, ok, err
	default:
		return member{}, false, nil
	}
}

// sortMembers puts groups before users, each by name, so that documents are
// deterministic whatever order the API returns.
func sortMembers(ms []member) {
	sort.Slice(ms, func(i, j int) bool {
		if (ms[i].Group != "") != (ms[j].Group != "") {
			return ms[i].Group != ""
		}
		return ms[i].Group+ms[i].User < ms[j].Group+ms[j].User
	})
}
