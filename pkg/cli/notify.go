package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/notify"
	"github.com/qlikops/qlikops/pkg/ops"
)

// notifyOptions are the alert flags of one command.
type notifyOptions struct {
	g      *globals
	op     string
	url    string
	format string
	on     []string
	cmd    *cobra.Command
}

// withNotify gives a command --notify, --notify-format and --notify-on, and
// posts the run's summary once its result is known: on failure, partial
// failure or drift, and on success only when asked. Delivery is bounded
// (see notify.Sender) and never changes the command's exit code.
func withNotify(g *globals, op string, cmd *cobra.Command) *cobra.Command {
	n := &notifyOptions{g: g, op: op, cmd: cmd}
	f := cmd.Flags()
	f.StringVar(&n.url, "notify", "", "post a summary to this webhook URL when the run fails, partly fails or finds drift (default: notify.url in qlikops.yaml)")
	f.StringVar(&n.format, "notify-format", "", "alert payload: json, slack or teams (default json)")
	f.StringSliceVar(&n.on, "notify-on", nil, "success: also post when the run succeeded (failures and drift always post)")
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		s, err := n.settings()
		if err != nil {
			return err
		}
		started := time.Now()
		err = run(c, args)
		n.deliver(c.Context(), s, started, err)
		return err
	}
	return cmd
}

// settings are the flags over qlikops.yaml's notify: block. A url of the
// form ${NAME} or $NAME is read from that environment variable, so the file
// (which is committed) need not hold the webhook's secret.
func (n *notifyOptions) settings() (notify.Settings, error) {
	cfg, err := ops.LoadConfig(n.g.repo)
	if err != nil {
		cfg = ops.Config{} // the command itself reports a bad qlikops.yaml
	}
	s := notify.Settings{URL: cfg.Notify.URL, Format: notify.Format(cfg.Notify.Format), On: cfg.Notify.On}
	source := ops.ConfigPath + ": notify"
	if n.url != "" {
		s.URL, source = n.url, "--notify"
	} else if name, ok := envName(s.URL); ok {
		s.URL = os.Getenv(name)
		if s.URL == "" {
			return s, fmt.Errorf("%s: url names $%s, which is not set", source, name)
		}
	}
	if n.format != "" {
		s.Format, source = notify.Format(n.format), "--notify-format"
	}
	if n.cmd.Flags().Changed("notify-on") {
		s.On, source = n.on, "--notify-on"
	}
	if s.Format == "" {
		s.Format = notify.JSON
	}
	return s, s.Check(source)
}

// envName reads "${NAME}" or "$NAME".
func envName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if name, ok := strings.CutPrefix(s, "${"); ok && strings.HasSuffix(name, "}") {
		return strings.TrimSuffix(name, "}"), true
	}
	if name, ok := strings.CutPrefix(s, "$"); ok && name != "" && !strings.ContainsAny(name, "/:") {
		return name, true
	}
	return "", false
}

// deliver posts the alert if the outcome calls for one. Any problem is one
// warning on stderr, naming the webhook by host only.
func (n *notifyOptions) deliver(ctx context.Context, s notify.Settings, started time.Time, runErr error) {
	outcome, code := outcomeOf(runErr)
	if errors.Is(runErr, ops.ErrAborted) || !s.Wants(outcome) {
		return
	}
	ev := n.event(outcome, code, started, runErr)
	body, err := notify.Payload(s.Format, ev)
	if err == nil {
		// Detached from the command's context, so that an interrupted run
		// still reports; the sender's own deadline bounds it.
		err = notify.Sender{Backoff: retryBackoff}.Send(context.WithoutCancel(ctx), s.URL, body)
	}
	if err != nil {
		fmt.Fprintf(n.g.stderr, "qlikops: warning: the alert was not delivered: %v\n", err)
		return
	}
	if n.g.verbose {
		fmt.Fprintf(n.g.stderr, "debug: alert posted to %s\n", notify.Host(s.URL))
	}
}

func outcomeOf(err error) (notify.Outcome, int) {
	var code exitCode
	switch {
	case err == nil:
		return notify.Success, ExitOK
	case errors.As(err, &code) && int(code) == ExitChanges:
		return notify.Drift, ExitChanges
	case errors.As(err, &code) && int(code) == ExitPartial:
		return notify.Partial, ExitPartial
	}
	return notify.Failed, ExitError
}

// event describes the run: from its record on the runs ref when it left
// one (export, apply), else from what the command noted (drift) or its error.
func (n *notifyOptions) event(outcome notify.Outcome, code int, started time.Time, runErr error) notify.Event {
	ev := notify.Event{Tool: "qlikops " + Version, Op: n.op, Outcome: outcome, ExitCode: code,
		Tenant: n.g.tenantHost(), TenantID: n.g.recorded.ID, StartedAt: started, FinishedAt: time.Now()}
	if abs, err := filepath.Abs(n.g.repo); err == nil {
		ev.Repo = filepath.Base(abs)
	}
	if n.op != "drift" {
		if run, err := ops.LatestRun(n.g.repo, started); err == nil && run != nil {
			ev.Tenant, ev.TenantID, ev.Commit = run.Tenant, run.TenantID, run.Commit
			ev.Details = append(append(ev.Details, run.Failures...), run.Changes...)
			ev.Summary = runHeadline(*run)
		}
	}
	if len(n.g.notice) > 0 {
		ev.Summary, ev.Details = n.g.notice[0], append(ev.Details, n.g.notice[1:]...)
	}
	var code2 exitCode
	if runErr != nil && !errors.As(runErr, &code2) {
		ev.Summary = runErr.Error()
	}
	if ev.Summary == "" {
		ev.Summary = fmt.Sprintf("%s %s", n.op, outcome)
	}
	return ev
}

// tenantHost is the tenant the command was pointed at, by host only.
func (g *globals) tenantHost() string {
	for _, u := range []string{g.tenant, os.Getenv("QLIK_TENANT_URL"), g.recorded.URL} {
		if strings.TrimSpace(u) != "" {
			return notify.Host(strings.TrimSpace(u))
		}
	}
	return ""
}

// driftNotice is drift's alert: a summary line and one line per change.
func driftNotice(ref string, changes []diff.Change) []string {
	if len(changes) == 0 {
		return nil
	}
	lines := []string{fmt.Sprintf("drift from %s: %s", ref, diff.Summary(changes))}
	for _, c := range changes {
		lines = append(lines, fmt.Sprintf("%s %s", c.Op, c.Key()))
	}
	return lines
}

// runHeadline says what matters most about a recorded run in one line: the
// first failure, else what changed.
func runHeadline(r ops.RunSummary) string {
	switch {
	case len(r.Failures) == 1:
		return r.Failures[0]
	case len(r.Failures) > 1:
		return fmt.Sprintf("%d problems, first: %s", len(r.Failures), r.Failures[0])
	case len(r.Changes) > 0:
		return strings.Join(r.Changes, ", ")
	}
	return "no changes"
}
