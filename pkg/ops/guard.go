package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/resource"
)

// The lock-out guard (safety rule 11). A plan that changes who can reach
// the tenant (a step on a kind whose policy is Access: identity providers,
// auth settings, IP policies) or the caller's own roles is dangerous: apply
// refuses it without --allow-access-changes. Before the first write, apply
// then works out the tenant as the plan would leave it and checks that the
// caller still gets in: the identity provider it signed in through stays
// active, an enabled IP policy allows the address the tenant sees it come
// from, and it keeps TenantAdmin. A plan that fails is refused even with
// the flag, unless --i-know-this-locks-me-out.

// GuardOptions are apply's two flags.
type GuardOptions struct {
	AllowAccessChanges bool // --allow-access-changes
	LockMeOut          bool // --i-know-this-locks-me-out
}

// CallerAddressEnv names the address Qlik sees the caller come from, for a
// tenant that does not say (real Qlik Cloud does not). qliksim says it in
// the Qliksim-Client-Address header of every answer.
const CallerAddressEnv = "QLIKOPS_CALLER_ADDRESS"

const callerAddressHeader = "Qliksim-Client-Address"

// CallerProviderEnv names the id of the identity provider the caller signs
// in through. No Qlik API says which provider a user signed in through;
// qliksim says it in the Qliksim-Identity-Provider header of every answer.
// Without either, the guard takes the tenant's active interactive provider
// (Qlik allows one at a time): that is the one every interactive sign-in
// goes through.
const CallerProviderEnv = "QLIKOPS_CALLER_IDP"

const callerProviderHeader = "Qliksim-Identity-Provider"

// ErrAccessChange and ErrLockOut are the guard's refusals.
var (
	ErrAccessChange = errors.New("this plan changes access to the tenant")
	ErrLockOut      = errors.New("refused: this plan would lock the caller out of the tenant")
)

// caller is who the API key or OAuth client acts as, and from where.
type caller struct {
	ID, Subject, Email string
	Roles              []string
	Groups             []string // group names
	IdPGroups          []string // those of them the identity provider owns
	Provider           string   // the identity provider it signed in through ("" when the tenant does not say)
	Address            string   // as the tenant sees it; "" when unknown
}

func (c *caller) is(k resource.Key) bool {
	return k.Kind == "User" && (k.Name != "" && (strings.EqualFold(k.Name, c.Email) || k.Name == c.Subject))
}

// whoAmI asks the tenant who the caller is.
func whoAmI(ctx context.Context, cl *qlik.Client) (*caller, error) {
	var me struct {
		ID, Subject, Email string
		AssignedRoles      []struct{ Name string }               `json:"assignedRoles"`
		AssignedGroups     []struct{ Name, ProviderType string } `json:"assignedGroups"`
	}
	resp, err := cl.Send(ctx, qlik.Request{Method: http.MethodGet, Path: "/api/v1/users/me"}, &me)
	if err != nil {
		return nil, fmt.Errorf("lock-out guard: who is the caller: %w", err)
	}
	c := &caller{ID: me.ID, Subject: me.Subject, Email: me.Email, Provider: os.Getenv(CallerProviderEnv)}
	for _, r := range me.AssignedRoles {
		c.Roles = append(c.Roles, r.Name)
	}
	for _, g := range me.AssignedGroups {
		c.Groups = append(c.Groups, g.Name)
		if g.ProviderType != "custom" {
			c.IdPGroups = append(c.IdPGroups, g.Name)
		}
	}
	c.Address = os.Getenv(CallerAddressEnv)
	if c.Address == "" && resp != nil {
		c.Address = resp.Header.Get(callerAddressHeader)
	}
	if c.Provider == "" && resp != nil {
		c.Provider = resp.Header.Get(callerProviderHeader)
	}
	return c, nil
}

// rolesOf reads a document's spec.roles.
func rolesOf(d *resource.Document) []string {
	if d == nil {
		return nil
	}
	return stringsOf(d.Spec["roles"])
}

// stringsOf reads a list of strings from a decoded spec field.
func stringsOf(v any) []string {
	var out []string
	if rs, ok := v.([]any); ok {
		for _, r := range rs {
			if s, ok := r.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func rolesChange(s plan.Step) bool {
	var want, have []string
	if s.Action != plan.Delete {
		want = rolesOf(s.Want)
	}
	if s.Action != plan.Create {
		have = rolesOf(s.Have)
	}
	sort.Strings(want)
	sort.Strings(have)
	return !slices.Equal(want, have)
}

// switchedOff reports a step whose resource is off on both sides.
func switchedOff(s plan.Step, field string) bool {
	if field == "" {
		return false
	}
	for _, d := range []*resource.Document{s.Want, s.Have} {
		if d == nil {
			continue
		}
		if on, ok := d.Spec[field].(bool); !ok || on {
			return false
		}
	}
	return s.Want != nil || s.Have != nil
}

// accessChanges lists why a plan is dangerous: its steps on access kinds,
// and those that change the caller's roles, directly or through a group it
// is in. It asks the tenant who the caller is only when a user or group
// step changes roles.
func accessChanges(ctx context.Context, env Env, p *plan.Plan, me func() (*caller, error)) ([]string, error) {
	var out []string
	for _, s := range p.Steps {
		if pol := env.Registry.Policy(s.Kind); pol.Access && !switchedOff(s, pol.Switch) {
			out = append(out, fmt.Sprintf("%s %s %s", s.Action, s.Kind, s.Key().Display()))
			continue
		}
		if (s.Kind != "User" && s.Kind != "Group") || !rolesChange(s) {
			continue
		}
		c, err := me()
		if err != nil {
			return nil, err
		}
		if c.is(s.Key()) || s.Kind == "Group" && slices.Contains(c.Groups, s.Name) {
			out = append(out, fmt.Sprintf("%s %s %s: the caller's own roles", s.Action, s.Kind, s.Key().Display()))
		}
	}
	return out, nil
}

// markDangerous fills the plan's Dangerous list, for plan's header.
func markDangerous(ctx context.Context, env Env, p *plan.Plan) error {
	var cached *caller
	changes, err := accessChanges(ctx, env, p, func() (*caller, error) {
		if cached != nil {
			return cached, nil
		}
		c, err := whoAmI(ctx, env.Client)
		cached = c
		return c, err
	})
	p.Dangerous = changes
	return err
}

// guard refuses a dangerous plan without the flag, and one that would lock
// the caller out without the second. It runs before the first write.
func guard(ctx context.Context, env Env, t *kinds.Tenant, p *plan.Plan, o GuardOptions) error {
	var cached *caller
	me := func() (*caller, error) {
		if cached != nil {
			return cached, nil
		}
		c, err := whoAmI(ctx, env.Client)
		cached = c
		return c, err
	}
	changes, err := accessChanges(ctx, env, p, me)
	if err != nil || len(changes) == 0 {
		return err
	}
	p.Dangerous = changes
	if !o.AllowAccessChanges {
		return fmt.Errorf("%w (%s); review it and pass --allow-access-changes", ErrAccessChange, strings.Join(changes, "; "))
	}
	c, err := me()
	if err != nil {
		return err
	}
	lockouts, err := lockOuts(ctx, env, t, p, c)
	if err != nil {
		return err
	}
	if len(lockouts) > 0 && !o.LockMeOut {
		return fmt.Errorf("%w: %s. Nothing was written. Only if that is really meant: --i-know-this-locks-me-out", ErrLockOut, strings.Join(lockouts, "; "))
	}
	return nil
}

// lockOuts are the ways the tenant as the plan leaves it shuts the caller
// out.
func lockOuts(ctx context.Context, env Env, t *kinds.Tenant, p *plan.Plan, c *caller) ([]string, error) {
	var out []string
	for _, check := range []func(context.Context, Env, *kinds.Tenant, *plan.Plan, *caller) (string, error){keepsTenantAdmin, keepsAddress, keepsProvider} {
		msg, err := check(ctx, env, t, p, c)
		if err != nil {
			return nil, err
		}
		if msg != "" {
			out = append(out, msg)
		}
	}
	return out, nil
}

// after is the documents of a kind as the plan leaves them: the live ones
// with the plan's steps of that kind applied.
func after(live []resource.Document, p *plan.Plan, kind string) []resource.Document {
	byName := map[string]resource.Document{}
	for _, d := range live {
		byName[d.Metadata.Name] = d
	}
	for _, s := range p.Steps {
		if s.Kind != kind {
			continue
		}
		switch {
		case s.Action == plan.Delete:
			delete(byName, s.Name)
		case s.Want != nil:
			byName[s.Name] = *s.Want
		}
	}
	out := make([]resource.Document, 0, len(byName))
	for _, d := range byName {
		out = append(out, d)
	}
	return out
}

// guardRead lists one kind from the tenant through its handler.
func guardRead(ctx context.Context, env Env, t *kinds.Tenant, kind string) ([]resource.Document, error) {
	h, ok := env.Registry.Get(kind)
	if !ok {
		return nil, nil
	}
	docs, err := h.Read(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("lock-out guard: read %s: %w", h.Folder(), err)
	}
	return docs, nil
}

// keepsTenantAdmin: the caller's roles after the plan, its own and its
// groups', include TenantAdmin. A step on the caller's user document sets
// its roles and its custom groups (the document lists custom groups only;
// identity-provider groups stay).
func keepsTenantAdmin(ctx context.Context, env Env, t *kinds.Tenant, p *plan.Plan, c *caller) (string, error) {
	roles := append([]string(nil), c.Roles...)
	groups := append([]string(nil), c.Groups...)
	for _, s := range p.Steps {
		if c.is(s.Key()) && s.Want != nil {
			roles = rolesOf(s.Want)
			groups = append(append([]string(nil), c.IdPGroups...), stringsOf(s.Want.Spec["groups"])...)
		}
	}
	if slices.Contains(roles, "TenantAdmin") {
		return "", nil
	}
	live, err := guardRead(ctx, env, t, "Group")
	if err != nil {
		return "", err
	}
	for _, g := range after(live, p, "Group") {
		if slices.Contains(groups, g.Metadata.Name) && slices.Contains(rolesOf(&g), "TenantAdmin") {
			return "", nil
		}
	}
	return "the caller would no longer hold TenantAdmin", nil
}

// keepsAddress: when any IP policy is enabled after the plan, one of them
// allows the caller's address. An address the tenant does not tell is
// assumed excluded: the guard cannot show it is not.
func keepsAddress(ctx context.Context, env Env, t *kinds.Tenant, p *plan.Plan, c *caller) (string, error) {
	kind := ""
	for _, h := range env.Registry.All() {
		if h.Declared().ListPath == "/api/core/ip-policies" {
			kind = h.Kind()
		}
	}
	if kind == "" {
		return "", nil
	}
	live, err := guardRead(ctx, env, t, kind)
	if err != nil {
		return "", err
	}
	var enabled []resource.Document
	for _, d := range after(live, p, kind) {
		if on, _ := d.Spec["enabled"].(bool); on {
			enabled = append(enabled, d)
		}
	}
	if len(enabled) == 0 {
		return "", nil
	}
	addr, err := netip.ParseAddr(c.Address)
	if err != nil {
		return fmt.Sprintf("IP policies would be enabled, and the tenant does not say which address it sees the caller come from (set %s to it)", CallerAddressEnv), nil
	}
	for _, d := range enabled {
		if allows(d.Spec["allowedIps"], addr.Unmap()) {
			return "", nil
		}
	}
	names := make([]string, len(enabled))
	for i, d := range enabled {
		names[i] = d.Metadata.Name
	}
	sort.Strings(names)
	return fmt.Sprintf("no enabled IP policy would allow the caller's address %s (enabled: %s)", addr, strings.Join(names, ", ")), nil
}

func allows(list any, addr netip.Addr) bool {
	items, _ := list.([]any)
	for _, it := range items {
		s, _ := it.(string)
		if !strings.Contains(s, "/") {
			s += "/32"
		}
		if pr, err := netip.ParsePrefix(s); err == nil && pr.Masked().Contains(addr) {
			return true
		}
	}
	return false
}

// keepsProvider: the identity provider the caller signed in through is
// still there and active after the plan. Its kind declares itself by its
// collection path; without it registered there is nothing to check. A
// caller whose provider the tenant does not name is taken to sign in
// through the active interactive provider.
func keepsProvider(ctx context.Context, env Env, t *kinds.Tenant, p *plan.Plan, c *caller) (string, error) {
	kind := ""
	for _, h := range env.Registry.All() {
		if h.Declared().ListPath == "/api/v1/identity-providers" {
			kind = h.Kind()
		}
	}
	if kind == "" {
		return "", nil
	}
	live, err := guardRead(ctx, env, t, kind)
	if err != nil {
		return "", err
	}
	before := callerProvider(live, c.Provider)
	if before == nil {
		return "", nil // a built-in provider qlikops does not manage
	}
	for _, d := range after(live, p, kind) {
		if d.Metadata.Name == before.Metadata.Name {
			if on, _ := d.Spec["active"].(bool); on {
				return "", nil
			}
			return fmt.Sprintf("the identity provider the caller signed in through (%s) would be inactive", d.Metadata.Name), nil
		}
	}
	return fmt.Sprintf("the identity provider the caller signed in through (%s) would be deleted", before.Metadata.Name), nil
}

// callerProvider is the live provider with the caller's provider id, or,
// when the tenant does not name it, the active interactive one.
func callerProvider(live []resource.Document, id string) *resource.Document {
	for i, d := range live {
		if id != "" && d.Metadata.ID == id {
			return &live[i]
		}
		active, _ := d.Spec["active"].(bool)
		interactive, _ := d.Spec["interactive"].(bool)
		if id == "" && active && interactive {
			return &live[i]
		}
	}
	return nil
}
