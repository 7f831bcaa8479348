package qlik

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// errBodyStalled is what a read returns once the body has sent nothing for
// the idle timeout. The connection is dropped, so an idempotent request can
// be retried; a stalled server must never hold a run forever.
var errBodyStalled = errors.New("response body stalled")

// idleReader cancels the request when no byte arrives for d. The timer is
// reset by every read that makes progress, so a large but steady download
// is never cut, however long it takes.
type idleReader struct {
	r       io.ReadCloser
	d       time.Duration
	timer   *time.Timer
	stalled atomic.Bool
}

func newIdleReader(r io.ReadCloser, d time.Duration, cancel func()) *idleReader {
	ir := &idleReader{r: r, d: d}
	ir.timer = time.AfterFunc(d, func() {
		ir.stalled.Store(true)
		cancel()
	})
	return ir
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if ir.stalled.Load() {
		return n, fmt.Errorf("%w: nothing received for %s", errBodyStalled, ir.d)
	}
	if n > 0 {
		ir.timer.Reset(ir.d)
	}
	return n, err
}

func (ir *idleReader) Close() error {
	ir.timer.Stop()
	return ir.r.Close()
}
