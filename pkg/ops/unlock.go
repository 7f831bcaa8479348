package ops

import "github.com/qlikops/qlikops/pkg/store"

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
