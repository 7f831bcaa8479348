package qlik

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Version is sent in the default User-Agent. The build may override it with -ldflags.
var Version = "dev"

const (
	defaultTier1PerMin = 1000
	defaultTier2PerMin = 100
	defaultMaxRetries  = 5
	defaultBackoff     = 250 * time.Millisecond
	defaultIdleTimeout = time.Minute
	defaultScope       = "user_default"
)

// Config says how to reach and authenticate against one tenant.
type Config struct {
	TenantURL    string                           // e.g. https://acme.eu.qlikcloud.com; http:// only for loopback hosts
	APIKey       string                           // bearer key; takes precedence over OAuth
	ClientID     string                           // OAuth2 M2M (client credentials) when APIKey is empty
	ClientSecret string                           // OAuth2 client secret
	OAuthScope   string                           // scope for the token exchange; "" = "user_default"
	HTTPClient   *http.Client                     // nil = a client with sane timeouts, TLS verified
	Tier1PerMin  int                              // GET/HEAD budget; 0 = 1000; negative = unlimited
	Tier2PerMin  int                              // POST/PUT/PATCH/DELETE budget; 0 = 100; negative = unlimited
	RateMinute   time.Duration                    // how long a rate-limit minute lasts; 0 = a minute (benchmarks against qliksim --rate-minute)
	MaxRetries   int                              // retries after the first attempt; 0 = 5; negative = none
	RetryBackoff time.Duration                    // base of the exponential backoff; 0 = 250ms
	IdleTimeout  time.Duration                    // a response body that sends nothing for this long is abandoned; 0 = 1m
	UserAgent    string                           // "" = "qlikops/<Version>"
	Logf         func(format string, args ...any) // optional debug log; secrets are scrubbed before it
	Scheduler    *Scheduler                       // nil = a budget of this client's own; shared: see NewScheduler (Tier*PerMin are then ignored)
}

// ConfigFromEnv reads QLIK_TENANT_URL, QLIK_API_KEY, QLIK_CLIENT_ID and QLIK_CLIENT_SECRET.
// Flags are applied on top by the caller.
func ConfigFromEnv() Config {
	return Config{
		TenantURL:    strings.TrimSpace(os.Getenv("QLIK_TENANT_URL")),
		APIKey:       strings.TrimSpace(os.Getenv("QLIK_API_KEY")),
		ClientID:     strings.TrimSpace(os.Getenv("QLIK_CLIENT_ID")),
		ClientSecret: strings.TrimSpace(os.Getenv("QLIK_CLIENT_SECRET")),
	}
}

// String keeps secrets out of accidental %v / %+v prints of a Config.
func (c Config) String() string {
	auth := "none"
	switch {
	case c.APIKey != "":
		auth = "api-key(redacted)"
	case c.ClientID != "":
		auth = "oauth2(client_id=" + c.ClientID + ", secret redacted)"
	}
	return fmt.Sprintf("qlik.Config{TenantURL: %q, auth: %s}", c.TenantURL, auth)
}

// GoString covers %#v, which would otherwise dump every field verbatim.
func (c Config) GoString() string { return c.String() }

// parseTenantURL enforces https, except for loopback hosts where a local
// simulator legitimately runs without TLS. A bearer token over plain http to
// any other host would be readable on the wire, so that is refused outright.
func parseTenantURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("qlik: tenant URL is empty (set --tenant or QLIK_TENANT_URL)")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("qlik: tenant URL %q is not a URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("qlik: tenant URL %q has no host (expected e.g. https://acme.eu.qlikcloud.com)", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("qlik: tenant URL must not carry credentials, a query or a fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("qlik: tenant URL %s: http:// is only allowed for loopback hosts; use https://", u.Host)
		}
	default:
		return nil, fmt.Errorf("qlik: tenant URL scheme %q not supported; use https://", u.Scheme)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultHTTPClient has no overall Timeout on purpose: QVF downloads can take
// minutes, so the limits are on connecting and on waiting for headers, and
// the caller's context bounds the rest.
func defaultHTTPClient() *http.Client {
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   15 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   32, // both tiers run many requests in parallel
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr}
}
