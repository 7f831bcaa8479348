package cli

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vbauerster/mpb/v8"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/plan"
	"github.com/qlikops/qlikops/pkg/qlik"
)

// fakeTerminal is a writer that mpb is told is a terminal; it keeps every
// frame drawn.
type fakeTerminal struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (f *fakeTerminal) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.Write(b)
}

func (f *fakeTerminal) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}

func onFakeTerminal(t *testing.T) *fakeTerminal {
	t.Helper()
	term := &fakeTerminal{}
	old := progressOptions
	progressOptions = func(w io.Writer) []mpb.ContainerOption {
		return append(old(w), mpb.ForceTTY(), mpb.ForceAutoRefresh(), mpb.WithRefreshRate(10*time.Millisecond), mpb.WithWidth(120))
	}
	t.Cleanup(func() { progressOptions = old })
	return term
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func TestExportProgressShowsEachKindAndTheRateLimitWait(t *testing.T) {
	term := onFakeTerminal(t)
	stats := func() qlik.ClientStats {
		return qlik.ClientStats{Tier1: qlik.TierStats{Waited: 2300 * time.Millisecond, Throttled: 3}}
	}
	p := newExportProgress(term, []string{"spaces", "groups", "data-connections"}, stats)
	// Wait for a frame that shows the total line (bounded: a loaded machine
	// may take a while to draw the first one).
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(term.String(), "429") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	mid := ansi.ReplaceAllString(term.String(), "")
	for _, want := range []string{"spaces", "groups", "data-connections", "reading", "0/3", "rate limit: waited 2.3s, 3 × 429"} {
		if !strings.Contains(mid, want) {
			t.Errorf("while reading, the terminal does not show %q:\n%s", want, mid)
		}
	}
	p.kindDone(ops.KindReport{Folder: "spaces", Status: ops.KindOK, Count: 6}, 1, 3)
	p.kindDone(ops.KindReport{Folder: "groups", Status: ops.KindFailed, Reason: "boom"}, 2, 3)
	p.kindDone(ops.KindReport{Folder: "data-connections", Status: ops.KindOK, Count: 1}, 3, 3)
	p.finish()
	end := ansi.ReplaceAllString(term.String(), "")
	for _, re := range []string{`spaces\s+6 read`, `groups\s+failed`, `data-connections\s+1 read`, `kinds\s+3/3`} {
		if !regexp.MustCompile(re).MatchString(end) {
			t.Errorf("at the end, the terminal does not match %q:\n%s", re, end)
		}
	}
}

// A run cut short (an error before every kind finished) must not hang.
func TestExportProgressFinishesWhenKindsAreLeft(t *testing.T) {
	term := onFakeTerminal(t)
	p := newExportProgress(term, []string{"spaces", "groups"}, nil)
	p.kindDone(ops.KindReport{Folder: "spaces", Status: ops.KindOK, Count: 1}, 1, 2)
	done := make(chan struct{})
	go func() { p.finish(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("finish hung with a kind unfinished")
	}
}

func TestStepProgressPrintsStepLinesAboveTheBar(t *testing.T) {
	term := onFakeTerminal(t)
	s := newStepProgress(term, 2, nil)
	oc := apply.Outcome{Action: plan.Create, Kind: "Space", Name: "Finance", Status: apply.Done}
	s.step(oc, outcomeText(oc))
	s.step(apply.Outcome{Action: plan.Update, Kind: "Group", Name: "Ops", Status: apply.Done}, "")
	s.finish()
	out := ansi.ReplaceAllString(term.String(), "")
	if !strings.Contains(out, outcomeText(oc)) {
		t.Errorf("the step line is missing:\n%s", out)
	}
	if !regexp.MustCompile(`steps\s+2/2`).MatchString(out) || !strings.Contains(out, "Group Ops") {
		t.Errorf("the bar does not show 2/2 and the last step:\n%s", out)
	}
}
