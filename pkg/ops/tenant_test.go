package ops

import (
	"strings"
	"testing"
)

func TestWithTenantIDKeepsTheUsersFile(t *testing.T) {
	cases := []struct {
		name, in, want string
		added          bool
	}{
		{
			name:  "inserted after the tenant line, comments kept",
			in:    "# mine\ntenant: https://acme.eu.qlikcloud.com # prod\n\n# only these\nkinds: [spaces]\n",
			want:  "# mine\ntenant: https://acme.eu.qlikcloud.com # prod\ntenantId: T1 # the tenant this repo belongs to (recorded by qlikops export)\n\n# only these\nkinds: [spaces]\n",
			added: true,
		},
		{
			name:  "appended when there is no tenant line, even without a final newline",
			in:    "kinds:\n  - groups",
			want:  "kinds:\n  - groups\ntenantId: T1 # the tenant this repo belongs to (recorded by qlikops export)\n",
			added: true,
		},
		{
			name:  "an empty tenantId line is filled in place",
			in:    "tenantId: \"\"\ntenant: https://acme.eu.qlikcloud.com\n",
			want:  "tenantId: T1 # the tenant this repo belongs to (recorded by qlikops export)\ntenant: https://acme.eu.qlikcloud.com\n",
			added: true,
		},
		{
			name: "a recorded id is left alone",
			in:   "tenant: https://acme.eu.qlikcloud.com\ntenantId: OTHER\n",
			want: "tenant: https://acme.eu.qlikcloud.com\ntenantId: OTHER\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, added, err := withTenantID([]byte(c.in), "T1")
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want || added != c.added {
				t.Errorf("got added=%v\n%s\nwant added=%v\n%s", added, out, c.added, c.want)
			}
		})
	}
}

func TestWithTenantIDRefusesWhatItCannotEdit(t *testing.T) {
	for _, in := range []string{
		"{tenant: https://acme.eu.qlikcloud.com, kinds: [spaces]}\n", // a flow mapping: a new line would break it
		"tenant: [\n",    // not YAML
		"colour: blue\n", // unknown setting
	} {
		out, _, err := withTenantID([]byte(in), "T1")
		if err == nil || !strings.Contains(err.Error(), ConfigPath) {
			t.Errorf("%q: got %q, %v; want an error naming %s", in, out, err, ConfigPath)
		}
	}
}

func TestWithTenantIDQuotesWhatYAMLWouldMisread(t *testing.T) {
	for _, id := range []string{"123", "true", "a: b", "#x", "-"} {
		out, added, err := withTenantID([]byte("tenant: https://a.example\n"), id)
		if err != nil || !added {
			t.Fatalf("%q: %v", id, err)
		}
		c, err := decodeConfig(out)
		if err != nil || c.TenantID != id {
			t.Errorf("%q: decoded %q (%v) from\n%s", id, c.TenantID, err, out)
		}
	}
}

func TestSameTenantComparesIDFirst(t *testing.T) {
	live := Identity{URL: "https://acme.eu.qlikcloud.com", ID: "T1"}
	cases := []struct {
		recorded Identity
		want     bool
	}{
		{Identity{}, true}, // nothing recorded yet: the first export claims the repo
		{Identity{URL: "https://alias.example.com", ID: "T1"}, true},
		{Identity{URL: "https://acme.eu.qlikcloud.com", ID: "T2"}, false},
		{Identity{URL: "HTTPS://ACME.eu.qlikcloud.com/"}, true}, // an older repo: URL as recorded
		{Identity{URL: "acme.eu.qlikcloud.com"}, true},
		{Identity{URL: "https://other.eu.qlikcloud.com"}, false},
		{Identity{URL: "http://acme.eu.qlikcloud.com"}, false},
	}
	for _, c := range cases {
		if got := sameTenant(c.recorded, live); got != c.want {
			t.Errorf("sameTenant(%+v, %+v) = %v, want %v", c.recorded, live, got, c.want)
		}
	}
}
