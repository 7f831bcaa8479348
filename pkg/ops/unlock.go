package ops

import (
	"fmt"
	"time"

	"github.com/qlikops/qlikops/pkg/store"
)

// Unlock clears the repo lock left by a run that died (killed, crashed, the
// machine restarted). A lock whose holder is still running is never
// removed: the error names the holder. cleared is false when there was no
// lock.
func Unlock(repoDir string) (cleared bool, err error) {
	repo, err := store.Open(repoDir)
	if err != nil {
		return false, err
	}
	return repo.ClearStaleLock()
}

// takeLock takes the repo lock for a run that writes. A lock left by a run
// that died on this host is taken over, with one warning naming it.
func takeLock(repo *store.Repo, env Env) (func() error, error) {
	return repo.TakeLock(func(old store.LockInfo) {
		env.warn(fmt.Sprintf("took over the stale lock of pid %d on %s (started %s), which is no longer running",
			old.PID, old.Host, old.Started.UTC().Format(time.RFC3339)))
	})
}
