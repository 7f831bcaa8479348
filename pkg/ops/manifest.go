package ops

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ManifestPath is where the manifest of the run that made a commit lives.
const ManifestPath = ".qlikops/manifest.json"

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
	Op         string       `json:"op"` // export
	Tool       string       `json:"tool"`
	Tenant     string       `json:"tenant"`
	TenantID   string       `json:"tenantId,omitempty"`
	StartedAt  time.Time    `json:"startedAt"`
	FinishedAt time.Time    `json:"finishedAt"`
	Status     string       `json:"status"` // ok | partial
	Commit     string       `json:"commit,omitempty"`
	Changed    int          `json:"changedFiles"`
	Kinds      []KindReport `json:"kinds"`
	Warnings   []string     `json:"warnings,omitempty"`
}

// KindReport is one kind's line in the manifest.
type KindReport struct {
	Kind   string `json:"kind"`
	Folder string `json:"folder"`
	Status string `json:"status"`
	Count  int    `json:"count"`
	Error  string `json:"error,omitempty"`
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

// commitMessage summarizes the manifest, so that `git log` alone tells what
// each snapshot covered.
func (m Manifest) commitMessage(changed int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "qlikops export from %s: %d files changed\n\n", m.Tenant, changed)
	for _, k := range m.Kinds {
		if k.Status == KindOK {
			fmt.Fprintf(&b, "%s: %d\n", k.Folder, k.Count)
		} else {
			fmt.Fprintf(&b, "%s: FAILED, previous files kept\n", k.Folder)
		}
	}
	return b.String()
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
