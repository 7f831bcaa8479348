package ippolicies

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// ipPolicy is one stored policy; its JSON names are the API's writable
// fields (CreateIPPolicy).
//
// Choices where Qlik does not say: names are not unique; a policy may be
// created enabled; enabling a policy that leaves out the caller's own
// address is not refused here (the lock-out guard of qlikops is what must
// prevent it, and the tests show it does).
type ipPolicy struct {
	core.Row
	Name       string   `json:"name"`
	Enabled    bool     `json:"enabled"`
	AllowedIPs []string `json:"allowedIps"`
}

// IPPolicies is the ip-policies table.
var IPPolicies = core.NewTable[ipPolicy]("ipPolicies")

var resource = &core.Resource[ipPolicy]{
	Table: IPPolicies, Path: "/api/core/ip-policies", Label: "IP policy",
	Verbs:     core.VerbCreate | core.VerbGet | core.VerbPatch | core.VerbDelete,
	Row:       func(p *ipPolicy) *core.Row { return &p.Row },
	NewID:     newID,
	ReadOnly:  []string{"tenantId", "editable", "deletable", "toggleable"},
	Patchable: []string{"/enabled", "/name", "/allowedIps"},
	PatchOps:  []string{"replace"},
	Prepare:   prepare,
	Render:    render,
}

// newID is a 24-hex id: random, or in a deterministic simulator derived
// from the sequence, so that policies do not renumber other services' ids.
func newID(s *core.Server, st *core.State) string {
	if !s.Opts.Deterministic {
		return st.NewID(false)
	}
	sum := sha256.Sum256([]byte("ip-policy:" + strconv.FormatInt(st.Seq, 10)))
	return hex.EncodeToString(sum[:12])
}

func prepare(s *core.Server, st *core.State, p, old *ipPolicy) *core.Invalid {
	switch {
	case len(p.Name) > 1000:
		return &core.Invalid{Pointer: "/name", Detail: "name must be at most 1000 characters"}
	case p.AllowedIPs == nil:
		return &core.Invalid{Pointer: "/allowedIps", Detail: "allowedIps is required", Missing: true}
	case len(p.AllowedIPs) == 0 || len(p.AllowedIPs) > 100:
		return &core.Invalid{Pointer: "/allowedIps", Detail: "allowedIps takes 1 to 100 addresses"}
	}
	if strings.TrimSpace(p.Name) == "" {
		if old != nil {
			return &core.Invalid{Pointer: "/name", Detail: "name must not be empty"}
		}
		p.Name = "IP policy"
	}
	seen := map[string]bool{}
	for i, a := range p.AllowedIPs {
		if _, err := parseAllowed(a); err != nil {
			return &core.Invalid{Pointer: fmt.Sprintf("/allowedIps/%d", i), Detail: fmt.Sprintf("%q is not an IPv4 address or CIDR range", a)}
		}
		if seen[a] {
			return &core.Invalid{Pointer: fmt.Sprintf("/allowedIps/%d", i), Detail: fmt.Sprintf("%q is listed twice", a)}
		}
		seen[a] = true
	}
	return nil
}

// parseAllowed reads an IPv4 address or CIDR range as a prefix.
func parseAllowed(a string) (netip.Prefix, error) {
	if strings.Contains(a, "/") {
		p, err := netip.ParsePrefix(a)
		if err != nil || !p.Addr().Is4() {
			return netip.Prefix{}, fmt.Errorf("bad range %q", a)
		}
		return p.Masked(), nil
	}
	ad, err := netip.ParseAddr(a)
	if err != nil || !ad.Is4() {
		return netip.Prefix{}, fmt.Errorf("bad address %q", a)
	}
	return netip.PrefixFrom(ad, 32), nil
}

// Allows reports whether addr is in one of the allowed entries.
func Allows(allowed []string, addr netip.Addr) bool {
	for _, a := range allowed {
		if p, err := parseAllowed(a); err == nil && p.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// render is IPPolicyResource.
func render(r *http.Request, st *core.State, p *ipPolicy) any {
	return map[string]any{"id": p.ID, "tenantId": st.TenantID, "name": p.Name, "enabled": p.Enabled,
		"allowedIps": append([]string{}, p.AllowedIPs...), "editable": true, "deletable": true, "toggleable": true,
		"createdAt": core.FmtTime(p.CreatedAt), "updatedAt": core.FmtTime(p.UpdatedAt),
		"createdBy": p.CreatedBy, "updatedBy": p.UpdatedBy}
}

// ClientAddressHeader names, on every /api answer, the address the
// simulator sees the request come from.
const ClientAddressHeader = "Qliksim-Client-Address"

// clientAddr is the request's remote address.
func clientAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// admit enforces the enabled policies: none enabled lets everything in.
func admit(s *core.Server, w http.ResponseWriter, r *http.Request) bool {
	addr, ok := clientAddr(r)
	if ok {
		w.Header().Set(ClientAddressHeader, addr.String())
	}
	s.Mu.Lock()
	enabled := IPPolicies.List(s.St, func(p *ipPolicy) bool { return p.Enabled }, nil)
	allowed := false
	for _, p := range enabled {
		allowed = allowed || ok && Allows(p.AllowedIPs, addr)
	}
	s.Mu.Unlock()
	if len(enabled) == 0 || allowed {
		return true
	}
	core.WriteError(w, r, http.StatusForbidden, "IP-POLICY-403", "", "Forbidden",
		fmt.Sprintf("access from %s is not allowed by the tenant's IP policies", addr))
	return false
}
