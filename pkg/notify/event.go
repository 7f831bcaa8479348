package notify

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Outcome is how a run ended, as an alert sees it.
type Outcome string

const (
	Success Outcome = "success"
	Partial Outcome = "partial" // some kinds or steps failed (exit 3)
	Failed  Outcome = "failed"  // the run stopped with an error (exit 1)
	Drift   Outcome = "drift"   // drift found (exit 2)
)

// Event is what an alert says about one run. It holds no secret: the tenant
// is named by scheme and host, and details are the run's own one-line
// reasons, which the Qlik client has already stripped of credentials.
type Event struct {
	Tool       string    `json:"tool"`
	Op         string    `json:"op"` // export | drift | apply
	Outcome    Outcome   `json:"outcome"`
	ExitCode   int       `json:"exitCode"`
	Tenant     string    `json:"tenant,omitempty"`
	TenantID   string    `json:"tenantId,omitempty"`
	Repo       string    `json:"repo,omitempty"` // the repo folder's name, not its path
	Commit     string    `json:"commit,omitempty"`
	Summary    string    `json:"summary"`
	Details    []string  `json:"details,omitempty"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
}

// maxDetails and maxLine keep a message within what Slack and Teams accept
// and what a person reads on a phone.
const (
	maxDetails = 20
	maxLine    = 300
)

// Title is the one-line headline: "qlikops export partial: acme (http://…)".
func (e Event) Title() string {
	where := e.Tenant
	if e.Repo != "" {
		where = e.Repo + " (" + e.Tenant + ")"
	}
	return strings.TrimSpace(fmt.Sprintf("qlikops %s %s: %s", e.Op, e.Outcome, where))
}

// trimmed is the event as it is sent: details capped in count and length,
// and every line on one line.
func (e Event) trimmed() Event {
	e.Summary = clip(e.Summary)
	var ds []string
	for i, d := range e.Details {
		if i == maxDetails {
			ds = append(ds, fmt.Sprintf("… and %d more", len(e.Details)-i))
			break
		}
		ds = append(ds, clip(d))
	}
	e.Details = ds
	return e
}

func clip(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
	if r := []rune(s); len(r) > maxLine {
		return string(r[:maxLine-1]) + "…"
	}
	return s
}

// Format is a payload shape.
type Format string

const (
	JSON  Format = "json"
	Slack Format = "slack"
	Teams Format = "teams"
)

// Settings say where and when to post. Failures and drift always post;
// On may add success.
type Settings struct {
	URL    string
	Format Format
	On     []string
}

// Check validates the settings; an empty URL means alerts are off. source
// names where the settings came from, for the error.
func (s Settings) Check(source string) error {
	if s.URL == "" {
		return nil
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: the notify URL must be an http(s) URL (host %s)", source, Host(s.URL))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%s: the notify URL must use https (http:// only for loopback; host %s)", source, Host(s.URL))
	}
	switch s.Format {
	case JSON, Slack, Teams:
	default:
		return fmt.Errorf("%s: notify format must be json, slack or teams, not %q", source, s.Format)
	}
	for _, o := range s.On {
		switch Outcome(o) {
		case Success, Drift, Partial, Failed, "failure":
		default:
			return fmt.Errorf("%s: notify on %q: want success (failures and drift always notify)", source, o)
		}
	}
	return nil
}

// Wants reports whether an outcome posts: failures and drift always do, a
// success only when On asks for it.
func (s Settings) Wants(o Outcome) bool {
	if s.URL == "" {
		return false
	}
	return o != Success || slices.Contains(s.On, string(Success))
}

// Host names a webhook by scheme and host only: its path and query are
// commonly the credential.
func Host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "127.")
}
