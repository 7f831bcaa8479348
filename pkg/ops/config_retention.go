package ops

import (
	"fmt"
	"strconv"

	yaml "go.yaml.in/yaml/v3"

	"github.com/qlikops/qlikops/pkg/retention"
)

// RetentionSetting is qlikops.yaml's retention block:
//
//	retention: {daily: 14, weekly: 8, monthly: 24}
//
// Each count is a whole number, 0 (the layer is off) or more; a count left
// out is 0. A bad block is refused with its line, before any command acts.
type RetentionSetting struct {
	retention.Policy
}

// UnmarshalYAML reads the block by hand so that every problem names its line
// and the field as the user wrote it (retention.daily), not a Go type.
func (s *RetentionSetting) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: retention: want a mapping such as {daily: 14, weekly: 8, monthly: 24}", n.Line)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var dst *int
		switch k.Value {
		case retention.Daily:
			dst = &s.Daily
		case retention.Weekly:
			dst = &s.Weekly
		case retention.Monthly:
			dst = &s.Monthly
		default:
			return fmt.Errorf("line %d: retention: unknown setting %q (known: daily, weekly, monthly)", k.Line, k.Value)
		}
		if seen[k.Value] {
			return fmt.Errorf("line %d: retention.%s: set twice", k.Line, k.Value)
		}
		seen[k.Value] = true
		c, err := strconv.Atoi(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil || c < 0 || c > maxRetentionCount {
			return fmt.Errorf("line %d: retention.%s: want a whole number from 0 to %d, not %q", v.Line, k.Value, maxRetentionCount, v.Value)
		}
		*dst = c
	}
	return nil
}

// maxRetentionCount bounds a layer: 10,000 periods is decades of days, and
// a typo of a few more digits should not read as "keep everything".
const maxRetentionCount = 10000
