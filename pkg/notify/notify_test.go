package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var sample = Event{Tool: "qlikops test", Op: "export", Outcome: Partial, ExitCode: 3, Tenant: "https://acme.eu.qlikcloud.com",
	Repo: "acme", Summary: "groups failed: 503", Details: []string{"groups failed: 503", "spaces: 2 changed"},
	StartedAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 3, 1, 2, 0, 4, 0, time.UTC)}

// Each format has the shape its receiver requires.
func TestPayloadShapes(t *testing.T) {
	var slack struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
		} `json:"blocks"`
	}
	decode(t, Slack, &slack)
	if !strings.HasPrefix(slack.Text, "qlikops export partial: acme (https://acme.eu.qlikcloud.com)") || len(slack.Blocks) < 3 || slack.Blocks[0].Type != "header" {
		t.Errorf("slack: %+v", slack)
	}
	var teams struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Type string           `json:"type"`
				Body []map[string]any `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	decode(t, Teams, &teams)
	if teams.Type != "message" || len(teams.Attachments) != 1 || teams.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" ||
		teams.Attachments[0].Content.Type != "AdaptiveCard" || len(teams.Attachments[0].Content.Body) != 3+len(sample.Details) {
		t.Errorf("teams: %+v", teams)
	}
	var ev Event
	decode(t, JSON, &ev)
	if ev.Outcome != Partial || ev.ExitCode != 3 || len(ev.Details) != 2 {
		t.Errorf("json: %+v", ev)
	}
	if _, err := Payload("xml", sample); err == nil {
		t.Error("xml accepted")
	}
}

func decode(t *testing.T, f Format, v any) {
	t.Helper()
	b, err := Payload(f, sample)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v\n%s", f, err, b)
	}
}

// Many details are capped, long lines clipped: a message stays readable and
// within what Slack and Teams accept.
func TestDetailsAreBounded(t *testing.T) {
	e := sample
	e.Details = nil
	for range 50 {
		e.Details = append(e.Details, strings.Repeat("x", 1000))
	}
	tr := e.trimmed()
	if len(tr.Details) != maxDetails+1 || !strings.Contains(tr.Details[maxDetails], "30 more") || len([]rune(tr.Details[0])) != maxLine {
		t.Errorf("%d details, last %q", len(tr.Details), tr.Details[len(tr.Details)-1])
	}
}

func TestWantsAndHost(t *testing.T) {
	s := Settings{URL: "https://hooks.slack.com/services/T/B/secret"}
	if !s.Wants(Failed) || !s.Wants(Partial) || !s.Wants(Drift) || s.Wants(Success) {
		t.Error("default: failures and drift post, success does not")
	}
	s.On = []string{"success"}
	if !s.Wants(Success) || !s.Wants(Failed) {
		t.Error("--notify-on success adds success")
	}
	if (Settings{}).Wants(Failed) {
		t.Error("no URL, no alert")
	}
	if h := Host(s.URL); h != "https://hooks.slack.com" {
		t.Errorf("Host = %q", h)
	}
}

// Retries stop at the try limit, a 4xx is not retried, and a receiver that
// never answers is given up at the deadline; no error carries the URL's path.
func TestSendIsBounded(t *testing.T) {
	var calls atomic.Int32
	status := http.StatusInternalServerError
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	s := Sender{Backoff: time.Millisecond}
	err := s.Send(context.Background(), srv.URL+"/secret-path", []byte("{}"))
	if err == nil || calls.Load() != 3 || strings.Contains(err.Error(), "secret-path") || !strings.Contains(err.Error(), "HTTP 500 (3 of 3 tries)") {
		t.Errorf("500s: %v after %d calls", err, calls.Load())
	}
	calls.Store(0)
	status = http.StatusNotFound
	if err := s.Send(context.Background(), srv.URL+"/secret-path", []byte("{}")); err == nil || calls.Load() != 1 {
		t.Errorf("404: %v after %d calls", err, calls.Load())
	}

	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	start := time.Now()
	err = Sender{Timeout: 300 * time.Millisecond, Backoff: time.Millisecond}.Send(context.Background(), slow.URL+"/secret-path?token=t", []byte("{}"))
	if took := time.Since(start); err == nil || took > 2*time.Second || strings.Contains(err.Error(), "secret-path") || strings.Contains(err.Error(), "token") {
		t.Errorf("hanging receiver: %v after %s", err, took)
	}
}
