package qlik

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TLS is verified by default: a tenant whose certificate no trusted
// authority signed is refused before any credential is sent, and the error
// says why without echoing the key.
func TestTLSIsVerifiedByDefault(t *testing.T) {
	var sawAuth bool
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = r.Header.Get("Authorization") != ""
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := New(Config{TenantURL: srv.URL, APIKey: "tls-sentinel-key", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), http.MethodGet, "/api/v1/users/me", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("self-signed tenant accepted: %v", err)
	}
	if sawAuth || strings.Contains(err.Error(), "tls-sentinel-key") {
		t.Errorf("credential exposed: sent=%v err=%v", sawAuth, err)
	}
	// The same server is fine for a client that trusts its certificate.
	trusting, err := New(Config{TenantURL: srv.URL, APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if err := trusting.Do(context.Background(), http.MethodGet, "/api/v1/users/me", nil, nil); err != nil {
		t.Errorf("trusted certificate refused: %v", err)
	}
}

func TestPlainHTTPOnlyForLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://127.0.0.1:8080":         true,
		"http://localhost:8080":         true,
		"http://[::1]:8080":             true,
		"http://acme.eu.qlikcloud.com":  false,
		"http://10.0.0.5":               false,
		"https://acme.eu.qlikcloud.com": true,
		"ftp://acme.eu.qlikcloud.com":   false,
		"http://127.0.0.1.evil.example": false,
	} {
		_, err := New(Config{TenantURL: url, APIKey: "k"})
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", url, err, ok)
		}
	}
}
