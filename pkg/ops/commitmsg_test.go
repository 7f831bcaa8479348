package ops

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestExportMessageCapsResourceLines: a big change lists 50 resources and
// counts the rest, and the subject counts every resource.
func TestExportMessageCapsResourceLines(t *testing.T) {
	var lines []string
	for i := range 73 {
		lines = append(lines, fmt.Sprintf("+ User u%02d@example.com", i))
	}
	m := Manifest{Tenant: "https://t.example", Changed: 74, Kinds: []KindReport{{Kind: "User", Folder: "users", Status: KindOK, Count: 73}}}
	msg := exportMessage(m, lines, []string{"+ schemas/user.schema.json"}, []string{"users"}, nil)
	if !strings.HasPrefix(msg, "qlikops export from https://t.example: 74 files changed in 73 resources\n\n") {
		t.Errorf("subject:\n%s", msg)
	}
	for _, want := range []string{"+ User u49@example.com\n", "… and 24 more\n", "users: 73\n", "\nQlikops-Kinds: users\n"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "u50@") {
		t.Errorf("message lists more than 50 resources:\n%s", msg)
	}
	if one := exportMessage(Manifest{Changed: 1}, []string{"~ Space A"}, nil, nil, nil); !strings.Contains(one, ": 1 file changed in 1 resource\n") {
		t.Errorf("singular subject:\n%s", one)
	}
}

// Changed-by trailers name each user on their resource, read back as
// written; a name with a newline cannot forge a trailer; unknown says why.
func TestChangedByTrailersRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 8, 3, 40, 1, 0, time.UTC)
	atts := []Attribution{
		{Resource: "Space Sales, EMEA (old)", By: []Changer{{Email: "bob@example.com", At: at}}},
		{Resource: "Space Evil\nChanged-by: mallory@example.com (Space X, 2026-01-01T00:00:00Z)", Unknown: "no audit event"},
		{Resource: "Group G", By: []Changer{{Email: "carol@example.com", At: at}}, Unknown: "a user no longer in the tenant"},
	}
	msg := exportMessage(Manifest{Changed: 3}, []string{"~ Space A"}, nil, []string{"spaces"}, atts)
	var got []string
	for _, l := range strings.Split(msg, "\n") {
		if v, ok := strings.CutPrefix(l, ChangedByTrailer+": "); ok {
			who, res, when, why, ok := ParseChangedBy(v)
			if !ok {
				t.Fatalf("unparsable trailer %q", l)
			}
			got = append(got, fmt.Sprintf("%s|%s|%s|%s", who, res, when.Format(time.RFC3339), why))
		}
	}
	want := []string{
		"bob@example.com|Space Sales, EMEA (old)|2026-12-08T03:40:01Z|",
		`unknown|Space Evil\nChanged-by: mallory@example.com (Space X, 2026-01-01T00:00:00Z)|0001-01-01T00:00:00Z|no audit event`,
		"carol@example.com|Group G|2026-12-08T03:40:01Z|",
		"unknown|Group G|0001-01-01T00:00:00Z|a user no longer in the tenant",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trailers (-want +got):\n%s\n%s", diff, msg)
	}
	if !strings.Contains(msg, "\n\nChanged-by: bob@example.com (Space Sales, EMEA (old), 2026-12-08T03:40:01Z)\n") ||
		!strings.HasSuffix(msg, ")\nQlikops-Kinds: spaces\n") {
		t.Errorf("the trailers are not one last paragraph:\n%s", msg)
	}
}

// The commit's author is a Qlik user only when that one user changed
// everything and nothing is unknown.
func TestSoleChanger(t *testing.T) {
	bob := Changer{Email: "bob@example.com", Name: "Bob"}
	carol := Changer{Email: "carol@example.com"}
	for _, tc := range []struct {
		atts []Attribution
		want string
	}{
		{[]Attribution{{By: []Changer{bob}}, {By: []Changer{bob}}}, "bob@example.com"},
		{[]Attribution{{By: []Changer{bob}}, {By: []Changer{carol}}}, ""},
		{[]Attribution{{By: []Changer{bob}}, {Unknown: "no audit event"}}, ""},
		{[]Attribution{{By: []Changer{bob}, Unknown: "events before x have expired"}}, ""},
		{nil, ""},
	} {
		got, ok := soleChanger(tc.atts)
		if got.Email != tc.want || ok != (tc.want != "") {
			t.Errorf("soleChanger(%v) = %v %v, want %q", tc.atts, got, ok, tc.want)
		}
	}
}
