package gitserve

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Daemon is `git daemon` serving git:// on loopback, pushes enabled.
type Daemon struct {
	Addr string
	cmd  *exec.Cmd
}

// StartDaemon serves the bare repositories under root.
func StartDaemon(root string) (*Daemon, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("git", "daemon", "--listen=127.0.0.1", "--port="+strconv.Itoa(port), "--export-all",
		"--enable=receive-pack", "--reuseaddr", "--base-path="+abs, abs)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git daemon: %w", err)
	}
	d := &Daemon{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", d.Addr, time.Second)
		if err == nil {
			c.Close()
			return d, nil
		}
		if time.Now().After(deadline) {
			d.Close()
			return nil, fmt.Errorf("git daemon did not listen on %s within 10s", d.Addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the git:// address of the bare repo name.
func (d *Daemon) URL(name string) string { return "git://" + d.Addr + "/" + name }

// Close stops the daemon (the process this package started, by its pid).
func (d *Daemon) Close() {
	_ = d.cmd.Process.Kill()
	_ = d.cmd.Wait()
}

// FreePort returns a loopback port nothing listens on at the moment of the
// call: a closed port, for a tenant that is unreachable, or one to hand to
// a server.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}
