package diff_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/resource"
)

// A map of unsupplied placeholders (encrypted headers by name) against a
// tenant that has none is no change; a map holding any plain value is.
func TestLiveMapOfPlaceholdersIsNoChange(t *testing.T) {
	git := resource.New("Webhook", "Hook", "", map[string]any{"url": "https://x.example.com",
		"encryptedHeaders": map[string]any{"Authorization": "${secret:webhooks/Hook/encryptedHeaders/Authorization}"}})
	live := resource.New("Webhook", "Hook", "1", map[string]any{"url": "https://x.example.com"})
	if ch := diff.Live([]resource.Document{live}, []resource.Document{git}, nil); len(ch) != 0 {
		t.Errorf("unsupplied placeholders in a map are a change: %+v", ch)
	}
	supplied := func(string) bool { return true }
	if ch := diff.Live([]resource.Document{live}, []resource.Document{git}, supplied); len(ch) != 1 {
		t.Errorf("supplied placeholders in a map are no change: %+v", ch)
	}
	git.Spec["encryptedHeaders"] = map[string]any{"Authorization": "${secret:x}", "X-Plain": "value"}
	if ch := diff.Live([]resource.Document{live}, []resource.Document{git}, nil); len(ch) != 1 {
		t.Errorf("a map with a plain value is no change: %+v", ch)
	}
}
