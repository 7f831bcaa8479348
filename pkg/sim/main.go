package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/qlikops/qlikops/pkg/sim/core"
	"github.com/qlikops/qlikops/pkg/sim/generate"
)

// Main is the qliksim command line. It returns the process exit code.
func Main(args []string) int {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	return run(args, os.Stdout, os.Stderr, stop)
}

type cliConfig struct {
	addr, apiKey, clientID, clientSecret string
	seed, state                          string
	tier1, tier2                         int
	latency, latencyMax, rateMinute      time.Duration
	generate                             *generate.Counts
	generateSeed                         uint64
	writeSeed                            string
	allowRemote                          bool
	faults                               core.Faults
	userKeys                             []core.UserKey
}

func parseFlags(args []string, stderr io.Writer) (cliConfig, error) {
	var c cliConfig
	fs := flag.NewFlagSet("qliksim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defKey := os.Getenv("QLIKSIM_API_KEY")
	if defKey == "" {
		defKey = core.DefaultAPIKey
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address (:0 picks a free port)")
	fs.StringVar(&c.apiKey, "api-key", defKey, "bearer API key accepted (env QLIKSIM_API_KEY)")
	fs.Func("api-key-for", "EMAIL=KEY: a further bearer key, acting as that user of the seed (repeatable)", func(v string) error {
		email, key, ok := strings.Cut(v, "=")
		if !ok || email == "" || key == "" {
			return fmt.Errorf("want EMAIL=KEY")
		}
		c.userKeys = append(c.userKeys, core.UserKey{Email: email, Key: key})
		return nil
	})
	fs.StringVar(&c.clientID, "client-id", "", "OAuth client id accepted at /oauth/token (empty: OAuth off)")
	fs.StringVar(&c.clientSecret, "client-secret", "", "OAuth client secret")
	fs.StringVar(&c.seed, "seed", "", "seed directory (users.yaml, groups.yaml, spaces.yaml)")
	fs.StringVar(&c.state, "state", "", "state file: loaded at start if it exists, saved on shutdown")
	fs.IntVar(&c.tier1, "tier1", 0, "tier 1 (GET) requests per minute; 0 = unlimited")
	fs.IntVar(&c.tier2, "tier2", 0, "tier 2 (write) requests per minute; 0 = unlimited")
	fs.Func("latency", "latency added to every request: fixed (20ms) or random in a range drawn from --generate-seed (10ms-40ms)", func(v string) (err error) {
		c.latency, c.latencyMax, err = core.ParseLatency(v)
		return err
	})
	fs.DurationVar(&c.rateMinute, "rate-minute", 0, "how long a rate-limit minute lasts, e.g. 1s for benchmarks at Qlik's real rates (default a minute)")
	fs.Func("generate", "generate a tenant at scale instead of --seed: spaces=N,assignments=N,users=N,groups=N,connections=N,automations=N,glossaries=N,terms=N,apps=N,tasks=N", func(v string) error {
		n, err := generate.Parse(v)
		c.generate = &n
		return err
	})
	fs.StringVar(&c.writeSeed, "write-seed", "", "with --generate: write the tenant's seed files to this directory and exit (to read them, or serve them with --seed)")
	fs.Uint64Var(&c.generateSeed, "generate-seed", 1, "seed of --generate and of a --latency range: the same seed gives the same tenant and delays")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fs.Func("faults", "inject faults, e.g. seed=1,5xx=0.2,reset=0.05,slow=0.1,stall=0.01,truncate=0.05,429storm=3,tokenuses=50,stalecursor=30s (see POST /_sim/faults)", func(v string) error {
		f, err := core.ParseFaults(v)
		c.faults = f
		return err
	})
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.generate != nil && c.seed != "" {
		return c, errors.New("--generate and --seed both describe the tenant; pass one")
	}
	if c.writeSeed != "" && c.generate == nil {
		return c, errors.New("--write-seed writes a generated tenant; pass --generate too")
	}
	return c, nil
}

// checkAddr makes ":PORT" loopback and refuses other non-loopback hosts
// unless allowRemote is set.
func checkAddr(addr string, allowRemote bool) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if allowRemote {
		return addr, nil
	}
	if host == "" {
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	if host == "localhost" {
		return addr, nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return addr, nil
	}
	return "", fmt.Errorf("--addr %q is not a loopback address; pass --allow-remote to listen on it", addr)
}

func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 2
	}
	if c.writeSeed != "" {
		if err := writeGenerated(c.writeSeed, *c.generate, c.generateSeed); err != nil {
			fmt.Fprintln(stderr, "qliksim:", err)
			return 1
		}
		fmt.Fprintf(stdout, "qliksim wrote a generated tenant of %d resources to %s\n", c.generate.Total(), c.writeSeed)
		return 0
	}
	addr, err := checkAddr(c.addr, c.allowRemote)
	if err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 2
	}
	s := New(core.Options{APIKey: c.apiKey, ClientID: c.clientID, ClientSecret: c.clientSecret,
		Tier1PerMin: c.tier1, Tier2PerMin: c.tier2, Latency: c.latency, UserKeys: c.userKeys,
		LatencyMax: c.latencyMax, LatencySeed: c.generateSeed, RateMinute: c.rateMinute})
	s.SetFaults(c.faults)
	if err := loadInitial(s, c, stderr); err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 1
	}
	if err := s.CheckUserKeys(); err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 2
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 1
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "qliksim listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "qliksim:", err)
		return 1
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	if c.state != "" {
		if err := s.SaveState(c.state); err != nil {
			fmt.Fprintln(stderr, "qliksim:", err)
			return 1
		}
	}
	return 0
}

// loadInitial loads --state when the file exists, else --seed.
func loadInitial(s *core.Server, c cliConfig, stderr io.Writer) error {
	if c.state != "" {
		_, err := os.Stat(c.state)
		if err == nil {
			if c.seed != "" {
				fmt.Fprintf(stderr, "qliksim: state file %s exists; --seed ignored\n", c.state)
			}
			return s.LoadState(c.state)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if c.seed != "" {
		return s.LoadSeed(c.seed)
	}
	if c.generate != nil {
		return LoadGenerated(s, *c.generate, c.generateSeed)
	}
	return nil
}

func writeGenerated(dir string, counts generate.Counts, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return generate.Write(dir, counts, seed)
}

// LoadGenerated adds a generated tenant (see package generate) to s.
func LoadGenerated(s *core.Server, counts generate.Counts, seed uint64) error {
	dir, err := os.MkdirTemp("", "qliksim-generate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := generate.Write(dir, counts, seed); err != nil {
		return err
	}
	return s.LoadSeed(dir)
}
