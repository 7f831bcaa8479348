package ops

import (
	"github.com/qlikops/qlikops/pkg/retention"
	"github.com/qlikops/qlikops/pkg/store"
)

// tagRun points the retention tags of the current run's day, week and month
// at its snapshot commit, when qlikops.yaml (config, as committed) has a
// retention policy and the run succeeded: the run is the newest of each of
// its periods. Tags of older periods are left for qlikops prune to delete.
func tagRun(repo *store.Repo, config []byte, m Manifest) error {
	if m.Status != "ok" || m.Commit == "" {
		return nil
	}
	cfg, err := decodeConfig(config)
	if err != nil || cfg.Retention == nil {
		return err
	}
	names := retention.CurrentTags(cfg.Retention.Policy, m.StartedAt)
	if len(names) == 0 {
		return nil
	}
	tags, err := repo.Tags(retention.TagPrefix)
	if err != nil {
		return err
	}
	for _, name := range names {
		if old := tags[name]; old != m.Commit {
			if err := repo.SetTag(name, old, m.Commit); err != nil {
				return err
			}
		}
	}
	return nil
}
