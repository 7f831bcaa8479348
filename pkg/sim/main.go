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
	latency                              time.Duration
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
	fs.DurationVar(&c.latency, "latency", 0, "fixed latency added to every request, e.g. 20ms")
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
	addr, err := checkAddr(c.addr, c.allowRemote)
	if err != nil {
		fmt.Fprintln(stderr, "qliksim:", err)
		return 2
	}
	s := New(core.Options{APIKey: c.apiKey, ClientID: c.clientID, ClientSecret: c.clientSecret,
		Tier1PerMin: c.tier1, Tier2PerMin: c.tier2, Latency: c.latency, UserKeys: c.userKeys})
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
	return nil
}
