package schemas

import (
	"strings"
	"testing"
)

const validExport = `{"op": "export", "tool": "qlikops dev", "tenant": "https://acme.eu.qlikcloud.com", "tenantId": "t1",
 "startedAt": "2026-03-01T02:00:00Z", "finishedAt": "2026-03-01T02:00:05Z", "status": "partial",
 "commit": "0123456789abcdef0123456789abcdef01234567", "changedFiles": 1,
 "kinds": [{"kind": "Space", "folder": "spaces", "status": "ok", "count": 2, "changed": 1, "unchanged": 1},
           {"kind": "Group", "folder": "groups", "status": "failed", "count": 0, "changed": 0, "unchanged": 0, "reason": "GET /api/v1/groups: 503"}],
 "summary": {"exported": 1, "changed": 1, "unchanged": 0, "failed": 1, "skipped": 0},
 "api": {"tier1": {"calls": 3, "retries": 1, "throttled": 0, "waitedMs": 0}, "tier2": {"calls": 0, "retries": 0, "throttled": 0, "waitedMs": 0}, "tokenRequests": 0},
 "needsReentry": []}`

// The schema accepts a well-formed record and refuses each way a record
// could go wrong: a tenant URL carrying a path or credential, a failure
// without its reason, an unknown op, a missing count.
func TestRunRecordSchema(t *testing.T) {
	if err := ValidateRunRecord([]byte(validExport)); err != nil {
		t.Fatalf("valid export record refused: %v", err)
	}
	bad := map[string][2]string{
		"tenant with credentials": {`"https://acme.eu.qlikcloud.com"`, `"https://user:key@acme.eu.qlikcloud.com/api?key=x"`},
		"failure without reason":  {`, "reason": "GET /api/v1/groups: 503"`, ``},
		"unknown op":              {`"op": "export"`, `"op": "backup"`},
		"missing summary count":   {`"skipped": 0}`, `}`},
		"bad time":                {`"2026-03-01T02:00:05Z"`, `"yesterday"`},
	}
	for name, edit := range bad {
		rec := strings.Replace(validExport, edit[0], edit[1], 1)
		if rec == validExport {
			t.Fatalf("%s: edit did not apply", name)
		}
		if err := ValidateRunRecord([]byte(rec)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
