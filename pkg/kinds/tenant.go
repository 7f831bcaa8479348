package kinds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sync"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
	"github.com/qlikops/qlikops/pkg/secrets"
)

// Tenant is a target or source tenant as handlers see it: the API client,
// the secrets source, and the resolver that turns natural keys into the ids
// of this tenant and back. Warnings from reads are collected here too.
type Tenant struct {
	API *qlik.Client
	// Secrets supplies the values of placeholders on apply; nil on export.
	Secrets *secrets.Store
	// Names resolves natural keys in this tenant; apply keeps it current.
	Names *Resolver
	// Commit is the snapshot commit apply writes from, for writes that
	// carry a message (an app script version); "" outside apply.
	Commit string
	// Prior is the last snapshot, for incremental export; nil outside
	// export, and on a first export.
	Prior *Prior
	// Applying are the documents the running apply creates or updates, for
	// a kind whose write depends on its siblings' (activating one brand
	// deactivates the others). Nil outside apply; read-only while it runs.
	Applying []resource.Document
	// IncludePersonal reads apps in personal spaces too (export
	// --include-personal; plan, drift and apply when the snapshot has any).
	IncludePersonal bool
	// Compared is the snapshot plan, drift and apply compare the tenant
	// with. An app whose modified time is the snapshot's keeps the
	// snapshot's script and app file instead of a new read and export: its
	// content cannot have changed without moving that time. Nil on export.
	Compared *Prior
	// RestoreAppContent is apply --restore-app-content: an app whose
	// content beyond the script (sheets, master items) differs from the
	// snapshot gets the snapshot's app file imported beside it as a new
	// app, never over it.
	RestoreAppContent bool

	warnMu   sync.Mutex
	warnings []string

	idMu     sync.Mutex
	tenantID string
}

// NewTenant wraps a client. The resolver indexes the kinds of Default;
// NewTenantFor takes another registry.
func NewTenant(c *qlik.Client) *Tenant { return NewTenantFor(c, Default()) }

// NewTenantFor wraps a client with a resolver over reg's kinds.
func NewTenantFor(c *qlik.Client, reg *Registry) *Tenant {
	t := &Tenant{API: c}
	t.Names = newResolver(t, reg)
	return t
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

// listAll pages through a list endpoint at the largest page size and decodes
// every element. A decode failure is an error: a half-read list must never
// pass for the whole tenant.
func listAll[T any](ctx context.Context, c *qlik.Client, path string, limit int) ([]T, error) {
	var out []T
	err := c.ListAll(ctx, path, url.Values{"limit": {fmt.Sprint(limit)}}, decodeInto(&out))
	return out, err
}

// listed decodes a kind's collection as the resolver read it (once per
// Tenant), so that a kind others resolve against is listed once per run.
func listed[T any](ctx context.Context, t *Tenant, kind string) ([]T, error) {
	raw, err := t.Names.items(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(raw))
	for _, r := range raw {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, fmt.Errorf("unexpected item in list: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// TenantID is the tenant's id as the tenant reports it
// (GET /api/v1/users/me), read once per Tenant.
func (t *Tenant) TenantID(ctx context.Context) (string, error) {
	t.idMu.Lock()
	defer t.idMu.Unlock()
	if t.tenantID != "" {
		return t.tenantID, nil
	}
	var me struct {
		TenantID string `json:"tenantId"`
	}
	if err := t.API.Do(ctx, "GET", "/api/v1/users/me", nil, &me); err != nil {
		return "", fmt.Errorf("read the tenant's id: %w", err)
	}
	if me.TenantID == "" {
		return "", fmt.Errorf("read the tenant's id: /api/v1/users/me has no tenantId")
	}
	t.tenantID = me.TenantID
	return t.tenantID, nil
}
