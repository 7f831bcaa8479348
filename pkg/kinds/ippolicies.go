package kinds

import (
	"context"
	"net/http"

	"github.com/qlikops/qlikops/pkg/resource"
)

// IPPolicies handles Qlik IP policies (/api/core/ip-policies): a name,
// whether it is enabled and the IPv4 addresses and ranges it allows. While
// any policy is enabled, only the addresses of the enabled policies reach
// the tenant, so the kind is an access kind: apply's lock-out guard checks
// that a plan leaves the caller's own address allowed.
var IPPolicies = REST[apiIPPolicy, ipPolicySpec]{
	Desc: Desc{
		KindName: "IpPolicy", FolderName: "ip-policies",
		ListPath: "/api/core/ip-policies", Query: limit100(),
		Policy: resource.KindPolicy{Access: true, Switch: "enabled"},
		Coverage: Coverage{
			Exported: "name, enabled, allowed IPv4 addresses and ranges",
			Restored: "created, patched, pruned; a plan that touches one is dangerous and needs `--allow-access-changes`, and one that would shut out the caller's address is refused (lock-out guard)",
			Reentry:  "-",
			LeftOut:  "-",
		},
	},
	FromAPI: func(_ context.Context, _ *Tenant, p apiIPPolicy) (resource.Document, bool, error) {
		d, err := toDoc("IpPolicy", p.Name, p.ID, ipPolicySpec{Enabled: p.Enabled, AllowedIPs: sortedCopy(p.AllowedIPs)})
		return d, true, err
	},
	ToAPI: func(_ context.Context, _ *Tenant, want resource.Document, s ipPolicySpec) (map[string]any, error) {
		return map[string]any{"name": want.Metadata.Name, "enabled": s.Enabled, "allowedIps": nonNil(s.AllowedIPs)}, nil
	},
	UpdateMethod: http.MethodPatch,
	Patch:        map[string]string{"enabled": "/enabled", "allowedIps": "/allowedIps"},
}

type apiIPPolicy struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Enabled    bool     `json:"enabled"`
	AllowedIPs []string `json:"allowedIps"`
}

type ipPolicySpec struct {
	Enabled    bool     `json:"enabled"`
	AllowedIPs []string `json:"allowedIps"`
}
