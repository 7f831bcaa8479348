package ops

import (
	"fmt"
	"net"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// The environment variables export --push reads its Git credentials from.
// They are handed to go-git in memory: never written to .git/config, a log,
// a commit or a run record.
const (
	EnvGitToken      = "QLIKOPS_GIT_TOKEN"   // HTTPS: sent as the basic-auth password
	EnvGitUser       = "QLIKOPS_GIT_USER"    // HTTPS: the basic-auth user; default x-access-token
	EnvGitSSHKey     = "QLIKOPS_GIT_SSH_KEY" // SSH: path of the private key
	EnvGitSSHPass    = "QLIKOPS_GIT_SSH_KEY_PASSPHRASE"
	EnvGitKnownHosts = "QLIKOPS_GIT_KNOWN_HOSTS" // SSH: known_hosts path; default ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts
)

// defaultGitUser is what GitHub, GitLab and Gitea accept with a token.
const defaultGitUser = "x-access-token"

// GitAuth builds the credentials for remoteURL from the environment: a
// token for http(s), a key checked against known_hosts for ssh, nothing for
// git:// and local paths (or when no variable is set: the remote may be
// open, or the URL's own scheme may handle it). A token is never sent over
// plain http except to a loopback address, where tests run their servers.
func GitAuth(remoteURL string, getenv func(string) string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(remoteURL)
	if err != nil {
		return nil, fmt.Errorf("remote URL %s: %w", RedactURL(remoteURL), err)
	}
	switch ep.Protocol {
	case "http", "https":
		token := strings.TrimSpace(getenv(EnvGitToken))
		if token == "" {
			return nil, nil
		}
		if ep.Protocol == "http" && !loopbackHost(ep.Host) {
			return nil, fmt.Errorf("remote %s: %s is not sent over plain http:// except to loopback; use https://", RedactURL(remoteURL), EnvGitToken)
		}
		user := strings.TrimSpace(getenv(EnvGitUser))
		if user == "" {
			user = defaultGitUser
		}
		return &http.BasicAuth{Username: user, Password: token}, nil
	case "ssh":
		keyPath := strings.TrimSpace(getenv(EnvGitSSHKey))
		if keyPath == "" {
			return nil, nil
		}
		user := ep.User
		if user == "" {
			user = "git"
		}
		keys, err := ssh.NewPublicKeysFromFile(user, keyPath, getenv(EnvGitSSHPass))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", EnvGitSSHKey, keyPath, err)
		}
		var files []string
		if kh := strings.TrimSpace(getenv(EnvGitKnownHosts)); kh != "" {
			files = []string{kh}
		}
		cb, err := ssh.NewKnownHostsCallback(files...)
		if err != nil {
			return nil, fmt.Errorf("known_hosts for %s (set %s): %w", ep.Host, EnvGitKnownHosts, err)
		}
		keys.HostKeyCallback = cb
		return keys, nil
	}
	return nil, nil
}

// RedactURL drops the password of a URL with user info, so a remote
// configured as https://user:token@host never prints its token.
func RedactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndex(rest, "@")
	slash := strings.Index(rest, "/")
	if at < 0 || (slash >= 0 && at > slash) {
		return raw
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":***@" + rest[at+1:]
}

func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
