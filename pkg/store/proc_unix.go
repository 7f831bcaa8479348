//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// processAlive asks the kernel with signal 0. EPERM means the process exists
// but belongs to someone else, so it is alive.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// guardDir takes a non-blocking exclusive flock on the folder dir. ok is
// false when another process (or another open of it here) holds it. The
// kernel drops the flock when its holder dies, so a crash cannot leave the
// guard taken, and locking the folder itself leaves no file behind.
func guardDir(dir string) (release func(), ok bool, err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false, fmt.Errorf("lock guard %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock guard %s: %w", dir, err)
	}
	return func() { _ = f.Close() }, true, nil
}
