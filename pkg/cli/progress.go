package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/qlikops/qlikops/pkg/apply"
	"github.com/qlikops/qlikops/pkg/ops"
	"github.com/qlikops/qlikops/pkg/qlik"
)

// Progress on a terminal is drawn by mpb (github.com/vbauerster/mpb/v8):
// one line per kind while export reads them in parallel, and a total line
// with the rate-limit wait. Off a terminal nothing here runs: scripts and
// cron logs see the plain lines they always did, and --quiet turns even
// those off.

// progressOptions lets tests draw to a fake terminal.
var progressOptions = func(w io.Writer) []mpb.ContainerOption {
	return []mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(150 * time.Millisecond)}
}

// rateWait describes the time the client spent held back by the rate-limit
// scheduler and the 429s it got; "" while there was none worth saying.
func rateWait(stats func() qlik.ClientStats) decor.Decorator {
	return decor.Any(func(decor.Statistics) string {
		if stats == nil {
			return ""
		}
		s := stats()
		waited := s.Tier1.Waited + s.Tier2.Waited
		if waited < 100*time.Millisecond && s.Throttled() == 0 {
			return ""
		}
		return fmt.Sprintf(" rate limit: waited %s, %d × 429", waited.Round(100*time.Millisecond), s.Throttled())
	})
}

// exportProgress shows each kind as reading, read (with its count) or
// failed, and the kinds done so far.
type exportProgress struct {
	p     *mpb.Progress
	mu    sync.Mutex
	state map[string]string // folder → what its line says
	bars  map[string]*mpb.Bar
	total *mpb.Bar
}

func newExportProgress(w io.Writer, folders []string, stats func() qlik.ClientStats) *exportProgress {
	e := &exportProgress{p: mpb.New(progressOptions(w)...), state: map[string]string{}, bars: map[string]*mpb.Bar{}}
	for _, f := range folders {
		e.state[f] = "reading"
		e.bars[f] = e.p.New(1, mpb.SpinnerStyle(), mpb.BarFillerClearOnComplete(),
			mpb.PrependDecorators(decor.Name(f, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return e.line(f) })))
	}
	e.total = e.p.AddBar(int64(len(folders)),
		mpb.PrependDecorators(decor.Name("kinds", decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d", decor.WCSyncSpace)),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace), rateWait(stats)))
	return e
}

func (e *exportProgress) line(folder string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state[folder]
}

// kindDone is ops.Env.Progress.
func (e *exportProgress) kindDone(r ops.KindReport, _, _ int) {
	e.mu.Lock()
	switch r.Status {
	case ops.KindOK:
		e.state[r.Folder] = fmt.Sprintf("%d read", r.Count)
	case ops.KindSkipped:
		e.state[r.Folder] = "skipped"
	default:
		e.state[r.Folder] = "failed"
	}
	e.mu.Unlock()
	if b := e.bars[r.Folder]; b != nil {
		b.SetCurrent(1)
	}
	e.total.Increment()
}

// finish ends every line (a run cut short leaves some unfinished) and waits
// for the last frame, so nothing is drawn over what export prints next.
func (e *exportProgress) finish() {
	for _, b := range e.bars {
		if !b.Completed() {
			b.Abort(false)
		}
	}
	if !e.total.Completed() {
		e.total.Abort(false)
	}
	e.p.Wait()
}

// stepProgress counts apply's steps and names the last one finished; the
// step lines apply prints go above the bar.
type stepProgress struct {
	p    *mpb.Progress
	bar  *mpb.Bar
	mu   sync.Mutex
	last string
}

func newStepProgress(w io.Writer, steps int, stats func() qlik.ClientStats) *stepProgress {
	s := &stepProgress{p: mpb.New(progressOptions(w)...)}
	s.bar = s.p.AddBar(int64(steps),
		mpb.PrependDecorators(decor.Name("steps", decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d", decor.WCSyncSpace)),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace), rateWait(stats),
			decor.Any(func(decor.Statistics) string {
				s.mu.Lock()
				defer s.mu.Unlock()
				return s.last
			})))
	return s
}

// step records one finished step; line, if not empty, is printed above.
func (s *stepProgress) step(oc apply.Outcome, line string) {
	s.mu.Lock()
	s.last = fmt.Sprintf(" %s %s", oc.Kind, oc.Key().Display())
	s.mu.Unlock()
	if line != "" {
		_, _ = io.WriteString(s.p, line)
	}
	s.bar.Increment()
}

func (s *stepProgress) finish() {
	if !s.bar.Completed() {
		s.bar.Abort(false)
	}
	s.p.Wait()
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
