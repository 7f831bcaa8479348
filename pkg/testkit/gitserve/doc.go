// Package gitserve starts real Git servers on loopback for tests: git
// http-backend behind net/http/cgi with basic auth, git daemon for git://,
// and an in-process SSH server that runs git-receive-pack and
// git-upload-pack. Tests of export --push talk to them with go-git exactly
// as they would to GitHub or GitLab.
package gitserve
