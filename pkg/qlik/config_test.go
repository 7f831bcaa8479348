package qlik

import (
	"fmt"
	"strings"
	"testing"
)

func TestNewValidatesTenantURL(t *testing.T) {
	cases := []struct {
		url string
		ok  bool
	}{
		{"https://acme.eu.qlikcloud.com", true},
		{"https://acme.eu.qlikcloud.com/", true},
		{"HTTPS://Acme.EU.qlikcloud.com", true},
		{"http://127.0.0.1:8080", true},
		{"http://127.9.8.7", true},
		{"http://localhost:1234", true},
		{"http://[::1]:8080", true},
		{"http://acme.eu.qlikcloud.com", false},
		{"http://10.0.0.1", false},
		{"http://127.0.0.1.evil.com", false},
		{"http://localhost.evil.com", false},
		{"ftp://acme.eu.qlikcloud.com", false},
		{"acme.eu.qlikcloud.com", false},
		{"", false},
		{"https://user:pw@acme.qlikcloud.com", false},
		{"https://acme.qlikcloud.com?x=1", false},
	}
	for _, tc := range cases {
		_, err := New(Config{TenantURL: tc.url, APIKey: testKey})
		if (err == nil) != tc.ok {
			t.Errorf("New(%q): err=%v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestNewNormalisesTenantURL(t *testing.T) {
	c, err := New(Config{TenantURL: "https://Acme.EU.qlikcloud.com/", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.TenantURL(); got != "https://acme.eu.qlikcloud.com" {
		t.Errorf("TenantURL = %q", got)
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	base := "https://acme.eu.qlikcloud.com"
	for _, cfg := range []Config{
		{TenantURL: base},
		{TenantURL: base, ClientID: "id-only"},
		{TenantURL: base, ClientSecret: "secret-only-xyz"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%v) succeeded without usable credentials", cfg)
		} else if strings.Contains(err.Error(), "secret-only-xyz") {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
	if _, err := New(Config{TenantURL: base, ClientID: "id", ClientSecret: "secret-value"}); err != nil {
		t.Errorf("OAuth config rejected: %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("QLIK_TENANT_URL", " https://x.qlikcloud.com ")
	t.Setenv("QLIK_API_KEY", "k-123456")
	t.Setenv("QLIK_CLIENT_ID", "cid")
	t.Setenv("QLIK_CLIENT_SECRET", "csecret")
	cfg := ConfigFromEnv()
	if cfg.TenantURL != "https://x.qlikcloud.com" || cfg.APIKey != "k-123456" || cfg.ClientID != "cid" || cfg.ClientSecret != "csecret" {
		t.Errorf("ConfigFromEnv = %#v", cfg)
	}
}

func TestConfigPrintingHidesSecrets(t *testing.T) {
	cfg := Config{TenantURL: "https://x", APIKey: "sentinel-key-abc", ClientSecret: "sentinel-secret-abc"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, cfg)
		if strings.Contains(out, "sentinel") {
			t.Errorf("%s of Config leaks a secret: %s", verb, out)
		}
	}
	c, err := New(Config{TenantURL: "https://x.qlikcloud.com", APIKey: "sentinel-key-abc"})
	if err != nil {
		t.Fatal(err)
	}
	if out := fmt.Sprintf("%+v", c); strings.Contains(out, "sentinel") {
		t.Errorf("%%+v of Client leaks a secret: %s", out)
	}
}
