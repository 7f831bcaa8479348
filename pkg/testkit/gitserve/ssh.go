package gitserve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSH is a loopback SSH server that runs git-upload-pack and
// git-receive-pack for one authorized key, as GitHub's and GitLab's do. It
// runs in process because sshd is rarely installed where tests run.
type SSH struct {
	Addr string
	// KeyFile is the client's private key (OpenSSH format) and KnownHosts a
	// known_hosts file naming the server's host key, both written by
	// StartSSH.
	KeyFile, KnownHosts string
	root                string
	l                   net.Listener
	wg                  sync.WaitGroup
}

// StartSSH serves the bare repositories under root. It makes a client key
// and a host key and writes the files a client needs into dir.
func StartSSH(root, dir string) (*SSH, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		return nil, err
	}
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	authorized, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if string(k.Marshal()) == string(authorized.Marshal()) {
			return nil, nil
		}
		return nil, errors.New("key not authorized")
	}}
	cfg.AddHostKey(hostSigner)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &SSH{Addr: l.Addr().String(), root: abs, l: l,
		KeyFile: filepath.Join(dir, "id_ed25519"), KnownHosts: filepath.Join(dir, "known_hosts")}
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		l.Close()
		return nil, err
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, hostSigner.PublicKey())
	if err := errors.Join(os.WriteFile(s.KeyFile, pem.EncodeToMemory(block), 0o600),
		os.WriteFile(s.KnownHosts, []byte(line+"\n"), 0o644)); err != nil {
		l.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.serve(cfg)
	return s, nil
}

// URL is the ssh:// address of the bare repo name.
func (s *SSH) URL(name string) string { return "ssh://git@" + s.Addr + "/" + name }

// Close stops accepting and waits for the accept loop.
func (s *SSH) Close() {
	s.l.Close()
	s.wg.Wait()
}

func (s *SSH) serve(cfg *ssh.ServerConfig) {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		go s.handle(c, cfg)
	}
}

func (s *SSH) handle(c net.Conn, cfg *ssh.ServerConfig) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.session(ch, creqs)
	}
}

func (s *SSH) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" {
			_ = req.Reply(req.Type == "env", nil)
			continue
		}
		cmd, err := s.gitCommand(req.Payload)
		if err != nil {
			_ = req.Reply(false, nil)
			fmt.Fprintln(ch.Stderr(), err)
			exit(ch, 128)
			return
		}
		_ = req.Reply(true, nil)
		exit(ch, s.run(cmd, ch))
		return
	}
}

// gitCommand parses "git-receive-pack '/repo.git'" and confines the path
// to the served root.
func (s *SSH) gitCommand(payload []byte) (*exec.Cmd, error) {
	if len(payload) < 4 {
		return nil, errors.New("bad exec request")
	}
	line := string(payload[4:])
	name, arg, _ := strings.Cut(line, " ")
	if name != "git-receive-pack" && name != "git-upload-pack" {
		return nil, fmt.Errorf("%s: only git-upload-pack and git-receive-pack are served", name)
	}
	repo := path.Clean("/" + strings.Trim(arg, "'\""))
	return exec.Command(name, filepath.Join(s.root, filepath.FromSlash(repo))), nil
}

func (s *SSH) run(cmd *exec.Cmd, ch ssh.Channel) int {
	cmd.Stdout, cmd.Stderr = ch, ch.Stderr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 128
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(ch.Stderr(), err)
		return 128
	}
	go func() { _, _ = io.Copy(stdin, ch); stdin.Close() }()
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 128
	}
	return 0
}

func exit(ch ssh.Channel, code int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(code))
	_, _ = ch.SendRequest("exit-status", false, b[:])
}
