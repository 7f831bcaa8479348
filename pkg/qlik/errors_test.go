package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// errorBodyCases covers each error body shape of API reference 0.3.
var errorBodyCases = []struct {
	name, body string
	status     int
	want       []ErrorItem
	trace      string
	line       string
}{
	{
		name:   "spaces array",
		status: 404,
		body:   `{"errors":[{"code":"SPACE-NOT-FOUND","title":"Space not found","meta":{"source":{"pointer":"/id"}}}],"traceId":"t-1","code":"SPACE-NOT-FOUND"}`,
		want:   []ErrorItem{{Code: "SPACE-NOT-FOUND", Title: "Space not found"}},
		trace:  "t-1",
		line:   "GET /api/v1/x: 404 Not Found: SPACE-NOT-FOUND: Space not found (traceId t-1)",
	},
	{
		name:   "users numeric status",
		status: 400,
		body:   `{"errors":[{"code":"USERS-1","title":"Bad","detail":"subject missing","status":400}],"traceId":"t-2"}`,
		want:   []ErrorItem{{Code: "USERS-1", Title: "Bad", Detail: "subject missing", Status: "400"}},
		trace:  "t-2",
		line:   "GET /api/v1/x: 400 Bad Request: USERS-1: Bad: subject missing (traceId t-2)",
	},
	{
		name:   "web-integrations string status",
		status: 409,
		body:   `{"errors":[{"code":"WI-9","title":"Conflict","status":"409"},{"code":"WI-10","title":"Second"}],"traceId":"t-3"}`,
		want:   []ErrorItem{{Code: "WI-9", Title: "Conflict", Status: "409"}, {Code: "WI-10", Title: "Second"}},
		trace:  "t-3",
		line:   "GET /api/v1/x: 409 Conflict: WI-9: Conflict; WI-10: Second (traceId t-3)",
	},
	{
		name:   "themes single object",
		status: 410,
		body:   `{"title":"Theme gone","status":410,"traceId":"t-4","meta":{"message":"deleted","stack":"at x\nat y"}}`,
		want:   []ErrorItem{{Title: "Theme gone", Detail: "deleted", Status: "410"}},
		trace:  "t-4",
		line:   "GET /api/v1/x: 410 Gone: Theme gone: deleted (traceId t-4)",
	},
	{
		name:   "tenant-settings numeric code",
		status: 400,
		body:   `{"errors":[{"code":1234,"title":"Invalid"}]}`,
		want:   []ErrorItem{{Code: "1234", Title: "Invalid"}},
		line:   "GET /api/v1/x: 400 Bad Request: 1234: Invalid",
	},
	{
		name:   "sharing-tasks meta.httpCode",
		status: 403,
		body:   `{"errors":[{"code":"SHARING-1","title":"Forbidden","meta":{"httpCode":403}}],"traceId":"t-6"}`,
		want:   []ErrorItem{{Code: "SHARING-1", Title: "Forbidden", Status: "403"}},
		trace:  "t-6",
	},
	{
		name:   "oauth rfc6749",
		status: 401,
		body:   `{"error":"invalid_client","error_description":"invalid client credentials"}`,
		want:   []ErrorItem{{Code: "invalid_client", Detail: "invalid client credentials"}},
		line:   "GET /api/v1/x: 401 Unauthorized: invalid_client: invalid client credentials",
	},
	{
		name:   "empty body",
		status: 500,
		body:   ``,
		line:   "GET /api/v1/x: 500 Internal Server Error",
	},
	{
		name:   "html body",
		status: 502,
		body:   "<html>\n<body>bad gateway</body></html>",
		want:   []ErrorItem{{Detail: "<html>\n<body>bad gateway</body></html>"}},
		line:   "GET /api/v1/x: 502 Bad Gateway: <html> <body>bad gateway</body></html>",
	},
}

func TestErrorBodiesParsed(t *testing.T) {
	for _, tc := range errorBodyCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tc.status, tc.body) })
			c := newTestClient(t, srv, func(c *Config) { c.MaxRetries = -1 })
			err := c.Do(context.Background(), "GET", "/api/v1/x?secretish=1", nil, nil)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want *Error, got %T %v", err, err)
			}
			if e.StatusCode != tc.status || e.Method != "GET" || e.Path != "/api/v1/x" || e.TraceID != tc.trace {
				t.Errorf("got %+v", e)
			}
			if fmt.Sprint(e.Errors) != fmt.Sprint(tc.want) {
				t.Errorf("items = %+v, want %+v", e.Errors, tc.want)
			}
			if tc.line != "" && e.Error() != tc.line {
				t.Errorf("Error() = %q\nwant      %q", e.Error(), tc.line)
			}
			if strings.ContainsAny(e.Error(), "\n\r") || strings.Contains(e.Error(), "secretish") {
				t.Errorf("Error() not one clean line: %q", e.Error())
			}
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	wrap := func(code int) error { return fmt.Errorf("ctx: %w", &Error{StatusCode: code}) }
	if !IsNotFound(wrap(404)) || !IsNotFound(wrap(410)) || IsNotFound(wrap(409)) {
		t.Error("IsNotFound wrong")
	}
	if !IsConflict(wrap(409)) || IsConflict(wrap(404)) {
		t.Error("IsConflict wrong")
	}
	if StatusOf(wrap(412)) != 412 || StatusOf(errors.New("x")) != 0 || StatusOf(nil) != 0 {
		t.Error("StatusOf wrong")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"13":    13 * time.Second,
		" 2 ":   2 * time.Second,
		"0":     0,
		"-5":    0,
		"NaN":   0,
		"":      0,
		"soon":  0,
		"1e300": maxRetryAfterSecs * time.Second,
		now.Add(7 * time.Second).Format(http.TimeFormat): 7 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):      0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
