package ops

import (
	"encoding/json"
	"net/url"
	"time"

	"github.com/qlikops/qlikops/pkg/store"
)

// legacyManifestPath is where older versions committed the run manifest
// inside the snapshot. Two branches always conflicted on it, so it now lives
// only on the runs ref; the next export removes this file from the tree.
const legacyManifestPath = ".qlikops/manifest.json"

// ConfigPath is the repo's own settings file.
const ConfigPath = "qlikops.yaml"

// Kind outcomes in a manifest.
const (
	KindOK     = "ok"
	KindFailed = "failed"
)

// Manifest records what one export covered and what failed. It never holds a
// secret: the tenant is recorded by host only, and by the id it reports.
type Manifest struct {
	// Op tells an export record from an apply record on the runs ref.
	Op         string    `json:"op"` // export
	Tool       string    `json:"tool"`
	Tenant     string    `json:"tenant"`
	TenantID   string    `json:"tenantId,omitempty"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Status     string    `json:"status"` // ok | partial
	Commit     string    `json:"commit,omitempty"`
	Changed    int       `json:"changedFiles"`
	// Branch is the branch the run compared with and committed to.
	Branch string `json:"branch,omitempty"`
	// Unapplied lists commits on UnappliedOn that no export produced and no
	// apply applied (a merged pull request, say). The run then committed the
	// live state to Branch, a drift branch, instead of on top of them.
	Unapplied   []store.CommitSummary `json:"unapplied,omitempty"`
	UnappliedOn string                `json:"unappliedOn,omitempty"`
	Kinds       []KindReport          `json:"kinds"`
	Warnings    []string              `json:"warnings,omitempty"`
}

// KindReport is one kind's line in the manifest.
type KindReport struct {
	Kind   string `json:"kind"`
	Folder string `json:"folder"`
	Status string `json:"status"`
	Count  int    `json:"count"`
	Error  string `json:"error,omitempty"`
	// Unauthorized is true when the tenant refused the credentials (401).
	Unauthorized bool `json:"unauthorized,omitempty"`
}

// Failed lists the kinds that could not be read.
func (m Manifest) Failed() []string {
	var out []string
	for _, k := range m.Kinds {
		if k.Status == KindFailed {
			out = append(out, k.Kind)
		}
	}
	return out
}

func (m Manifest) encode() []byte {
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// hostOf keeps only scheme and host of a tenant URL: enough to identify it,
// with no room for credentials or query strings.
func hostOf(tenant string) string {
	u, err := url.Parse(tenant)
	if err != nil || u.Host == "" {
		return "unknown"
	}
	return u.Scheme + "://" + u.Host
}
