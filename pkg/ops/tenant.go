package ops

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/qlikops/qlikops/pkg/qlik"
)

// Identity names a tenant: its URL (scheme and host only) and the id the
// tenant itself reports. The id is what identifies it; the URL is how people
// recognise it (a tenant can have several hostnames).
type Identity struct {
	URL string `json:"url"`
	ID  string `json:"id"`
}

// String reads "https://acme.eu.qlikcloud.com (id TiQ8...)".
func (i Identity) String() string {
	u, id := i.URL, i.ID
	if u == "" {
		u = "an unrecorded URL"
	}
	if id == "" {
		id = "not recorded"
	}
	return fmt.Sprintf("%s (id %s)", u, id)
}

func (i Identity) isZero() bool { return i.URL == "" && i.ID == "" }

// TenantGuard says which tenant a command may act on.
type TenantGuard struct {
	// Op is the command (export, drift, plan, apply), for messages.
	Op string
	// Recorded is the repo's tenant from qlikops.yaml; zero before the first export.
	Recorded Identity
	// AllowOther lets export write another tenant into the repo (--allow-other-tenant).
	AllowOther bool
	// Target is --target-tenant: drift, plan and apply act on another tenant
	// only when its URL is said explicitly.
	Target string
}

// LiveIdentity asks the tenant who it is. GET /api/v1/users/me answers with a
// redirect to the caller's own user, which carries the tenant id: one call
// that any API key or OAuth client may make.
func LiveIdentity(ctx context.Context, c *qlik.Client) (Identity, error) {
	var me struct {
		TenantID string `json:"tenantId"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/users/me", nil, &me); err != nil {
		if qlik.StatusOf(err) == http.StatusUnauthorized {
			return Identity{}, fmt.Errorf("the tenant %s refused the credentials (401 Unauthorized); check QLIK_API_KEY, or QLIK_CLIENT_ID and QLIK_CLIENT_SECRET", hostOf(c.TenantURL()))
		}
		return Identity{}, fmt.Errorf("could not read the tenant's identity: %w", err)
	}
	if me.TenantID == "" {
		return Identity{}, fmt.Errorf("could not read the tenant's identity: GET /api/v1/users/me has no tenantId")
	}
	return Identity{URL: hostOf(c.TenantURL()), ID: me.TenantID}, nil
}

// CheckTenant compares the tenant env.Client talks to with the one the repo
// belongs to, and refuses another tenant unless the guard permits it. On
// success env.Target names the tenant, and env.OtherTenant tells whether it
// is not the repo's own (plan and apply then treat it as a restore).
func CheckTenant(ctx context.Context, env *Env, g TenantGuard) error {
	live, err := LiveIdentity(ctx, env.Client)
	if err != nil {
		return err
	}
	env.Target, env.OtherTenant = live, false
	if g.Target != "" && !SameURL(g.Target, live.URL) {
		return fmt.Errorf("--target-tenant %s does not match the tenant targeted, %s (chosen by --tenant, QLIK_TENANT_URL or qlikops.yaml)", g.Target, live)
	}
	if sameTenant(g.Recorded, live) {
		return nil
	}
	mismatch := fmt.Sprintf("this repo belongs to tenant %s, but the target is %s", g.Recorded, live)
	switch {
	case g.Op == "export" && g.AllowOther:
	case g.Op == "export":
		return fmt.Errorf("%s: refusing to export another tenant into it (pass --allow-other-tenant to do so anyway)", mismatch)
	case g.Target == "":
		return fmt.Errorf("%s: %s refuses another tenant unless told; for a restore or a migration, pass --target-tenant %s", mismatch, g.Op, live.URL)
	}
	env.OtherTenant = true
	return nil
}

// sameTenant compares by tenant id when the repo has one recorded, else by
// URL as recorded. A repo that records nothing belongs to whoever exports
// into it first.
func sameTenant(recorded, live Identity) bool {
	switch {
	case recorded.ID != "":
		return recorded.ID == live.ID
	case recorded.URL != "":
		return SameURL(recorded.URL, live.URL)
	}
	return true
}

// SameURL reports whether two tenant URLs name the same host: scheme and
// host compared without case, paths and trailing slashes ignored. A bare
// host means https.
func SameURL(a, b string) bool {
	return normalURL(a) == normalURL(b)
}

func normalURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}
