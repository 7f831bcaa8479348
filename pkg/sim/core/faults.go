package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fault injection for reliability tests and benchmarks (DESIGN.md section 4).
//
// Faults are switched on by `qliksim --faults SPEC`, by POST /_sim/faults
// (DELETE clears them, GET shows them with the counts injected so far), and
// by Server.SetFaults. Every class draws from its own math/rand stream seeded
// with Faults.Seed, so a sequential client sees the same faults on every run;
// with parallel clients the draws follow arrival order.
//
// Only /api/ paths are affected unless a class names another path (e.g.
// "/oauth/token"). At most one fault is injected per request, checked in
// this order: 429 storm, stale cursor, 5xx, reset, stall, slow, truncate.
// OAuth token expiry is independent: it only makes the token invalid, and
// the normal auth check then answers 401.

// Faults configures fault injection. The zero value injects nothing.
type Faults struct {
	// Seed makes every random decision repeatable (0 is a valid seed).
	Seed int64 `json:"seed,omitempty"`
	// Error5xx answers 500/502/503 with the service's error body.
	Error5xx *Fault `json:"5xx,omitempty"`
	// Reset closes the connection (TCP RST where possible) before the
	// response, or mid-body after the handler ran.
	Reset *Fault `json:"reset,omitempty"`
	// Slow writes half the body, pauses for Pause, then writes the rest.
	Slow *Fault `json:"slow,omitempty"`
	// Stall writes half the body and hangs until the client gives up or
	// MaxStall passes; the connection is then cut.
	Stall *Fault `json:"stall,omitempty"`
	// Truncate answers a 2xx with half its body, properly framed: the
	// transfer ends cleanly but the JSON is cut.
	Truncate *Fault `json:"truncate,omitempty"`
	// Storm429 answers the next Count matching requests with 429 and
	// Retry-After: RetryAfter seconds.
	Storm429 *Fault `json:"429storm,omitempty"`
	// TokenExpiry makes every OAuth access token invalid after Uses API
	// requests (the API key is never affected).
	TokenExpiry *Fault `json:"tokenExpiry,omitempty"`
	// StaleCursor makes a pagination cursor (next, prev, page, cursor)
	// older than MaxAge invalid: the service answers its own 400 for an
	// invalid cursor.
	StaleCursor *Fault `json:"staleCursor,omitempty"`
	// RevokeTokens is an action, not a setting: every OAuth token issued so
	// far becomes invalid at once.
	RevokeTokens bool `json:"revokeTokens,omitempty"`
}

// Fault is one class's settings. Fields that do not apply to a class are
// ignored.
type Fault struct {
	Rate    float64  `json:"rate,omitempty"`    // probability per matching request, 0..1
	Path    string   `json:"path,omitempty"`    // pattern, * matches anything (also /); "" = every /api/ path
	Methods []string `json:"methods,omitempty"` // only these methods; empty = all
	Max     int      `json:"max,omitempty"`     // inject at most this many times; 0 = no limit

	When       string   `json:"when,omitempty"`       // 5xx, reset: "before" the handler, "after" it ran (a write is applied), or "either"
	Statuses   []int    `json:"statuses,omitempty"`   // 5xx: default 500, 502, 503
	Count      int      `json:"count,omitempty"`      // 429storm: this many requests
	RetryAfter int      `json:"retryAfter,omitempty"` // 429storm: seconds, default 1
	Pause      Duration `json:"pause,omitempty"`      // slow: default 200ms
	MaxStall   Duration `json:"maxStall,omitempty"`   // stall: default 5s, at most 2m
	Uses       int      `json:"uses,omitempty"`       // tokenExpiry: uses per token
	MaxAge     Duration `json:"maxAge,omitempty"`     // staleCursor
}

// Duration is a time.Duration that reads "200ms" or a number of
// milliseconds in JSON, and writes the string form.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return errors.New("duration must be a string such as \"200ms\" or a number of milliseconds")
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// fault classes, in the order they are checked.
const (
	fStorm = iota
	fStale
	f5xx
	fReset
	fStall
	fSlow
	fTruncate
	fToken
	nFaultClasses
)

var faultNames = [nFaultClasses]string{"429storm", "staleCursor", "5xx", "reset", "stall", "slow", "truncate", "tokenExpiry"}

const (
	defaultSlowPause = 200 * time.Millisecond
	defaultMaxStall  = 5 * time.Second
	maxMaxStall      = 2 * time.Minute
)

func (f *Faults) class(i int) *Fault {
	switch i {
	case fStorm:
		return f.Storm429
	case fStale:
		return f.StaleCursor
	case f5xx:
		return f.Error5xx
	case fReset:
		return f.Reset
	case fStall:
		return f.Stall
	case fSlow:
		return f.Slow
	case fTruncate:
		return f.Truncate
	case fToken:
		return f.TokenExpiry
	}
	return nil
}

func (f *Faults) setClass(i int, v *Fault) {
	switch i {
	case fStorm:
		f.Storm429 = v
	case fStale:
		f.StaleCursor = v
	case f5xx:
		f.Error5xx = v
	case fReset:
		f.Reset = v
	case fStall:
		f.Stall = v
	case fSlow:
		f.Slow = v
	case fTruncate:
		f.Truncate = v
	case fToken:
		f.TokenExpiry = v
	}
}

// Validate reports the first setting that makes no sense.
func (f Faults) Validate() error {
	for i := range nFaultClasses {
		c := f.class(i)
		if c == nil {
			continue
		}
		name := faultNames[i]
		if c.Rate < 0 || c.Rate > 1 || c.Rate != c.Rate {
			return fmt.Errorf("%s: rate %v is not between 0 and 1", name, c.Rate)
		}
		if c.Max < 0 || c.Count < 0 || c.RetryAfter < 0 || c.Uses < 0 || c.Pause < 0 || c.MaxStall < 0 || c.MaxAge < 0 {
			return fmt.Errorf("%s: negative value", name)
		}
		switch c.When {
		case "", "before", "after", "either":
		default:
			return fmt.Errorf("%s: when must be before, after or either, not %q", name, c.When)
		}
		for _, st := range c.Statuses {
			if st < 500 || st > 599 {
				return fmt.Errorf("%s: status %d is not a 5xx", name, st)
			}
		}
		if c.MaxStall > Duration(maxMaxStall) {
			return fmt.Errorf("%s: maxStall %s is over the %s bound", name, time.Duration(c.MaxStall), maxMaxStall)
		}
		if _, err := compilePattern(c.Path); err != nil {
			return fmt.Errorf("%s: path %q: %w", name, c.Path, err)
		}
	}
	return nil
}

// ParseFaults reads the --faults flag: comma-separated KEY=VALUE items.
//
//	seed=N
//	5xx=RATE reset=RATE slow=RATE stall=RATE truncate=RATE
//	429storm=N            the next N API requests get 429
//	tokenuses=K           OAuth tokens die after K uses
//	stalecursor=DURATION  cursors older than this are refused
//	CLASS.path=PATTERN CLASS.max=N CLASS.methods=GET|POST CLASS.when=before|after|either
//	5xx.statuses=500|503  slow.pause=DURATION  stall.maxstall=DURATION  429storm.retryafter=SECONDS
//
// For example "5xx=0.2,reset=0.05,slow=0.1,truncate=0.05,429storm=3,5xx.path=/api/v1/spaces*".
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	get := func(name string) (*Fault, int, error) {
		name = strings.ToLower(name)
		for i, n := range faultNames {
			if strings.ToLower(n) == name || (i == fToken && (name == "tokenuses" || name == "token")) {
				c := f.class(i)
				if c == nil {
					c = &Fault{}
					f.setClass(i, c)
				}
				return c, i, nil
			}
		}
		return nil, 0, fmt.Errorf("unknown fault class %q (want one of %s, tokenuses)", name, strings.Join(faultNames[:], ", "))
	}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		if !ok {
			return f, fmt.Errorf("fault %q: want KEY=VALUE", item)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.EqualFold(key, "seed") {
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return f, fmt.Errorf("seed %q: %w", val, err)
			}
			f.Seed = n
			continue
		}
		cls, opt, _ := strings.Cut(key, ".")
		c, i, err := get(cls)
		if err != nil {
			return f, err
		}
		if err := setFaultOption(c, i, strings.ToLower(opt), val); err != nil {
			return f, fmt.Errorf("fault %q: %w", item, err)
		}
	}
	return f, f.Validate()
}

func setFaultOption(c *Fault, class int, opt, val string) error {
	atoi := func() (int, error) { return strconv.Atoi(val) }
	dur := func() (Duration, error) { d, err := time.ParseDuration(val); return Duration(d), err }
	var err error
	switch opt {
	case "":
		switch class {
		case fStorm:
			c.Count, err = atoi()
		case fToken:
			c.Uses, err = atoi()
		case fStale:
			c.MaxAge, err = dur()
		default:
			c.Rate, err = strconv.ParseFloat(val, 64)
		}
	case "rate":
		c.Rate, err = strconv.ParseFloat(val, 64)
	case "path":
		c.Path = val
	case "max":
		c.Max, err = atoi()
	case "methods":
		c.Methods = strings.Split(strings.ToUpper(val), "|")
	case "when":
		c.When = val
	case "statuses":
		for s := range strings.SplitSeq(val, "|") {
			n, e := strconv.Atoi(s)
			if e != nil {
				return e
			}
			c.Statuses = append(c.Statuses, n)
		}
	case "count":
		c.Count, err = atoi()
	case "retryafter":
		c.RetryAfter, err = atoi()
	case "pause":
		c.Pause, err = dur()
	case "maxstall", "max-stall":
		c.MaxStall, err = dur()
	case "uses":
		c.Uses, err = atoi()
	case "maxage", "max-age":
		c.MaxAge, err = dur()
	default:
		return fmt.Errorf("unknown option %q", opt)
	}
	return err
}

// compilePattern turns a path pattern into a regexp: * matches any run of
// characters, everything else is literal.
func compilePattern(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	parts := strings.Split(p, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.Compile("^" + strings.Join(parts, ".*") + "$")
}

// FaultCounts is how many faults of each class were injected since the
// faults were last set.
type FaultCounts map[string]int

// String renders the settings as a --faults spec, sorted, for logs.
func (f Faults) String() string {
	var items []string
	for i := range nFaultClasses {
		c := f.class(i)
		if c == nil {
			continue
		}
		n := faultNames[i]
		switch i {
		case fStorm:
			items = append(items, fmt.Sprintf("%s=%d", n, c.Count))
		case fToken:
			items = append(items, fmt.Sprintf("tokenuses=%d", c.Uses))
		case fStale:
			items = append(items, fmt.Sprintf("%s=%s", n, time.Duration(c.MaxAge)))
		default:
			items = append(items, fmt.Sprintf("%s=%g", n, c.Rate))
		}
		if c.Path != "" {
			items = append(items, n+".path="+c.Path)
		}
		if c.Max > 0 {
			items = append(items, fmt.Sprintf("%s.max=%d", n, c.Max))
		}
	}
	sort.Strings(items)
	if f.Seed != 0 {
		items = append([]string{fmt.Sprintf("seed=%d", f.Seed)}, items...)
	}
	return strings.Join(items, ",")
}
