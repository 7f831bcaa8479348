package ops

import (
	"fmt"
	"strings"
	"testing"
)

// TestExportMessageCapsResourceLines: a big change lists 50 resources and
// counts the rest, and the subject counts every resource.
func TestExportMessageCapsResourceLines(t *testing.T) {
	var lines []string
	for i := range 73 {
		lines = append(lines, fmt.Sprintf("+ User u%02d@example.com", i))
	}
	m := Manifest{Tenant: "https://t.example", Changed: 74, Kinds: []KindReport{{Kind: "User", Folder: "users", Status: KindOK, Count: 73}}}
	msg := exportMessage(m, lines, []string{"+ schemas/user.schema.json"}, []string{"users"})
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
	if one := exportMessage(Manifest{Changed: 1}, []string{"~ Space A"}, nil, nil); !strings.Contains(one, ": 1 file changed in 1 resource\n") {
		t.Errorf("singular subject:\n%s", one)
	}
}
