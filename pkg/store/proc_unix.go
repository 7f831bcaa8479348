//go:build unix

package store

import (
	"errors"
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
