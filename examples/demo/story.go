package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/qlikops/qlikops/pkg/qlik"
	"github.com/qlikops/qlikops/pkg/sim/simctl"
)

const apiKey = "demo-api-key"

type demo struct {
	out  io.Writer
	bin  string
	env  []string
	repo string
	ctl  simctl.Ctl
}

func run(out io.Writer, qlikopsBin, qliksimBin, seed string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url, stop, err := startSim(ctx, qliksimBin, seed)
	if err != nil {
		return err
	}
	defer stop()
	work, err := os.MkdirTemp("", "qlikops-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	client, err := qlik.New(qlik.Config{TenantURL: url, APIKey: apiKey})
	if err != nil {
		return err
	}
	d := &demo{
		out:  out,
		bin:  qlikopsBin,
		env:  append(os.Environ(), "QLIK_TENANT_URL="+url, "QLIK_API_KEY="+apiKey),
		repo: filepath.Join(work, "tenant-backup"),
		ctl:  simctl.Ctl{API: client},
	}
	return d.story(ctx)
}

// startSim runs qliksim on a free loopback port and waits for its one line.
func startSim(ctx context.Context, bin, seed string) (string, func(), error) {
	cmd := exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:0", "--api-key", apiKey, "--seed", seed)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start qliksim: %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "qliksim listening on ")
	if err != nil || !ok {
		stop()
		return "", nil, fmt.Errorf("qliksim did not start: %q %v", line, err)
	}
	return url, stop, nil
}

func (d *demo) say(format string, args ...any) {
	if f, ok := d.out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		format = "\033[1m" + format + "\033[0m" // bold headings, on a terminal only
	}
	fmt.Fprintf(d.out, "\n"+format+"\n", args...)
}

// qlikops runs one command, shows it and its output, and checks its exit
// code against what the story expects.
func (d *demo) qlikops(wantExit int, args ...string) error {
	fmt.Fprintf(d.out, "$ qlikops %s\n", strings.Join(args, " "))
	cmd := exec.Command(d.bin, args...)
	cmd.Env = d.env
	cmd.Stdout, cmd.Stderr = d.out, d.out
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		return err
	}
	if code != wantExit {
		return fmt.Errorf("qlikops %s exited %d, the story expects %d", args[0], code, wantExit)
	}
	return nil
}
