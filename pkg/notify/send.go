package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Sender delivers payloads. The zero value uses the defaults: 3 tries,
// 500 ms then 1 s between them, 10 s in all.
type Sender struct {
	Client  *http.Client
	Tries   int
	Backoff time.Duration
	Timeout time.Duration
}

const (
	defaultTries   = 3
	defaultBackoff = 500 * time.Millisecond
	defaultTimeout = 10 * time.Second
)

// Send posts body to rawURL. It retries network errors, 429 and 5xx
// answers, and gives up at the deadline. Its error names the webhook by host
// only and says how many tries were made.
func (s Sender) Send(ctx context.Context, rawURL string, body []byte) error {
	tries, backoff, timeout := s.Tries, s.Backoff, s.Timeout
	if tries <= 0 {
		tries = defaultTries
	}
	if backoff <= 0 {
		backoff = defaultBackoff
	}
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	hc := s.Client
	if hc == nil {
		// No redirects: a webhook that redirects is misconfigured, and a
		// redirect must not carry the payload somewhere else.
		hc = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	n := 0
	for n < tries {
		n++
		retry, err := s.post(ctx, hc, rawURL, body)
		if err == nil {
			return nil
		}
		last = err
		if !retry || n == tries {
			break
		}
		t := time.NewTimer(backoff << (n - 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("notify %s: %w (gave up after %d of %d tries: %v)", Host(rawURL), last, n, tries, ctx.Err())
		case <-t.C:
		}
	}
	return fmt.Errorf("notify %s: %w (%d of %d tries)", Host(rawURL), last, n, tries)
}

// post makes one attempt and says whether another may help.
func (s Sender) post(ctx context.Context, hc *http.Client, rawURL string, body []byte) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("invalid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "qlikops-notify")
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error repeats the whole URL, the credential with it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code <= 299:
		return false, nil
	case code == http.StatusTooManyRequests || code >= 500:
		return true, fmt.Errorf("HTTP %d", code)
	default:
		return false, fmt.Errorf("HTTP %d", code)
	}
}
