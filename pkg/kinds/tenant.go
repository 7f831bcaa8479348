package kinds

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// everyoneGroupID is the fixed id Qlik gives the built-in Everyone group in
// every tenant; it is not listed with the other groups.
const (
	everyoneGroupID   = "000000000000000000000001"
	everyoneGroupName = "Everyone"
)

// Tenant is a target or source tenant: the API client plus a directory of
// users and groups, loaded once, that turns ids into natural keys and back.
type Tenant struct {
	API *qlik.Client
	// Secrets supplies the values of placeholders on apply; nil on export.
	Secrets *secrets.Store

	once    sync.Once
	loadErr error

	mu     sync.RWMutex
	users  []apiUser
	groups map[string]apiGroup // by id

	spaceOnce sync.Once
	spaceErr  error
	spaceList []apiSpace
	spaces    map[string]string // id -> name, kept current by apply

	warnMu   sync.Mutex
	warnings []string
}

// NewTenant wraps a client.
func NewTenant(c *qlik.Client) *Tenant { return &Tenant{API: c} }

type apiRoleRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type apiGroupRef struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	ProviderType string `json:"providerType,omitempty"`
}

type apiUser struct {
	ID             string        `json:"id"`
	Subject        string        `json:"subject"`
	Name           string        `json:"name"`
	Email          string        `json:"email"`
	Status         string        `json:"status"`
	AssignedRoles  []apiRoleRef  `json:"assignedRoles"`
	AssignedGroups []apiGroupRef `json:"assignedGroups"`
}

// ref is how documents name this user.
func (u apiUser) ref() string {
	if u.Email != "" {
		return u.Email
	}
	return u.Subject
}

type apiGroup struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Description   string       `json:"description"`
	ProviderType  string       `json:"providerType"`
	Status        string       `json:"status"`
	AssignedRoles []apiRoleRef `json:"assignedRoles"`
}

// listAll pages through a list endpoint at the largest page size and decodes
// every element. A decode failure is an error: a half-read list must never
// pass for the whole tenant.
func listAll[T any](ctx context.Context, c *qlik.Client, path string, limit int) ([]T, error) {
	var out []T
	err := c.ListAll(ctx, path, url.Values{"limit": {fmt.Sprint(limit)}}, decodeInto(&out))
	return out, err
}

// load reads users and groups once. Every kind needs them to resolve refs.
func (t *Tenant) load(ctx context.Context) error {
	t.once.Do(func() {
		users, err := listAll[apiUser](ctx, t.API, "/api/v1/users", 100)
		if err != nil {
			t.loadErr = fmt.Errorf("read users: %w", err)
			return
		}
		groups, err := listAll[apiGroup](ctx, t.API, "/api/v1/groups", 100)
		if err != nil {
			t.loadErr = fmt.Errorf("read groups: %w", err)
			return
		}
		// The directory is keyed by id: an item without one would silently
		// merge with another.
		for _, u := range users {
			if u.ID == "" {
				t.loadErr = fmt.Errorf("read users: user %q has no id", u.ref())
				return
			}
		}
		byID := map[string]apiGroup{}
		for _, g := range groups {
			if _, dup := byID[g.ID]; dup || g.ID == "" {
				t.loadErr = fmt.Errorf("read groups: group %q has a missing or repeated id %q", g.Name, g.ID)
				return
			}
			byID[g.ID] = g
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.users = users
		t.groups = byID
	})
	return t.loadErr
}

// allUsers returns every user of the tenant.
func (t *Tenant) allUsers(ctx context.Context) ([]apiUser, error) {
	if err := t.load(ctx); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]apiUser(nil), t.users...), nil
}

// allGroups returns every listed group of the tenant.
func (t *Tenant) allGroups(ctx context.Context) ([]apiGroup, error) {
	if err := t.load(ctx); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]apiGroup, 0, len(t.groups))
	for _, g := range t.groups {
		out = append(out, g)
	}
	return out, nil
}

// UserRef names a user id as documents do. ok is false for an id the tenant
// does not list (a deleted user, say).
func (t *Tenant) UserRef(ctx context.Context, id string) (string, bool, error) {
	if err := t.load(ctx); err != nil {
		return "", false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, u := range t.users {
		if u.ID == id {
			return u.ref(), true, nil
		}
	}
	return "", false, nil
}

// UserID resolves a document's user reference: by subject first, then by
// email (case-insensitively, as mail systems do).
func (t *Tenant) UserID(ctx context.Context, ref string) (string, bool, error) {
	if err := t.load(ctx); err != nil {
		return "", false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, u := range t.users {
		if u.Subject == ref {
			return u.ID, true, nil
		}
	}
	for _, u := range t.users {
		if u.Email != "" && strings.EqualFold(u.Email, ref) {
			return u.ID, true, nil
		}
	}
	return "", false, nil
}

// GroupName names a group id.
func (t *Tenant) GroupName(ctx context.Context, id string) (string, bool, error) {
	if id == everyoneGroupID {
		return everyoneGroupName, true, nil
	}
	if err := t.load(ctx); err != nil {
		return "", false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	g, ok := t.groups[id]
	return g.Name, ok, nil
}

// GroupByName finds a group; names are case-sensitive in Qlik.
func (t *Tenant) GroupByName(ctx context.Context, name string) (apiGroup, bool, error) {
	if name == everyoneGroupName {
		return apiGroup{ID: everyoneGroupID, Name: everyoneGroupName, ProviderType: "idp"}, true, nil
	}
	if err := t.load(ctx); err != nil {
		return apiGroup{}, false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, g := range t.groups {
		if g.Name == name {
			return g, true, nil
		}
	}
	return apiGroup{}, false, nil
}

// rememberGroup keeps the directory current after apply creates, changes or
// deletes a group, so later waves resolve against what the tenant now holds.
func (t *Tenant) rememberGroup(g apiGroup, deleted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.groups == nil {
		t.groups = map[string]apiGroup{}
	}
	if deleted {
		delete(t.groups, g.ID)
		return
	}
	t.groups[g.ID] = g
}

// Warnf records something a user should know about a read that still
// succeeded, e.g. a member whose user no longer exists. Warnings go into the
// manifest; they must never carry a secret.
func (t *Tenant) Warnf(format string, args ...any) {
	t.warnMu.Lock()
	defer t.warnMu.Unlock()
	t.warnings = append(t.warnings, fmt.Sprintf(format, args...))
}

// Warnings returns what Warnf collected.
func (t *Tenant) Warnings() []string {
	t.warnMu.Lock()
	defer t.warnMu.Unlock()
	return append([]string(nil), t.warnings...)
}

// loadSpaces reads the space names once; kinds that live in spaces need
// them to write and resolve the space by name.
func (t *Tenant) loadSpaces(ctx context.Context) error {
	t.spaceOnce.Do(func() {
		spaces, err := listAll[apiSpace](ctx, t.API, "/api/v1/spaces", 100)
		if err != nil {
			t.spaceErr = fmt.Errorf("read spaces: %w", err)
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.spaceList = spaces
		if t.spaces == nil {
			t.spaces = map[string]string{}
		}
		for _, sp := range spaces {
			t.spaces[sp.ID] = sp.Name
		}
	})
	return t.spaceErr
}

// allSpaces returns the spaces as listed when first asked.
func (t *Tenant) allSpaces(ctx context.Context) ([]apiSpace, error) {
	if err := t.loadSpaces(ctx); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]apiSpace(nil), t.spaceList...), nil
}

// SpaceName names a space id. ok is false for an id the tenant does not
// list, or "" (a personal space).
func (t *Tenant) SpaceName(ctx context.Context, id string) (string, bool, error) {
	if id == "" {
		return "", false, nil
	}
	if err := t.loadSpaces(ctx); err != nil {
		return "", false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	name, ok := t.spaces[id]
	return name, ok, nil
}

// SpaceID resolves a space name in this tenant.
func (t *Tenant) SpaceID(ctx context.Context, name string) (string, bool, error) {
	if err := t.loadSpaces(ctx); err != nil {
		return "", false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for id, n := range t.spaces {
		if n == name {
			return id, true, nil
		}
	}
	return "", false, nil
}

// rememberSpace keeps the space directory current after apply creates or
// deletes a space.
func (t *Tenant) rememberSpace(id, name string, deleted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.spaces == nil {
		t.spaces = map[string]string{}
	}
	if deleted {
		delete(t.spaces, id)
		return
	}
	t.spaces[id] = name
}
