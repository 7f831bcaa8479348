package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/qlikops/qlikops/pkg/resource"
)

// leadingKeys come first in any mapping, in this order; the rest follow
// alphabetically. A member then reads "- user: bob@example.com" with its
// roles underneath, and a document opens with apiVersion and kind.
var leadingKeys = []string{"apiVersion", "kind", "metadata", "name", "space", "user", "group", "term", "id", "type", "spec"}

// encodeYAML renders a document deterministically: fixed key order, lists
// of scalars in flow style ([a, b]) so role lists stay on one line, and
// strings quoted only where YAML needs it.
func encodeYAML(d resource.Document) ([]byte, error) {
	// Going through JSON first gives exactly the values the decoder will see.
	// Side files are written as files of their own, never inline.
	d.Files = nil
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	node, err := toNode(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func toNode(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range orderedKeys(t) {
			val, err := toNode(t[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, scalar(k), val)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		flow := len(t) > 0
		for _, e := range t {
			val, err := toNode(e)
			if err != nil {
				return nil, err
			}
			flow = flow && val.Kind == yaml.ScalarNode && !strings.Contains(val.Value, "\n")
			n.Content = append(n.Content, val)
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case string:
		// The encoder quotes a !!str whose plain form would read as another
		// type ("true", "1.0", "null"), so building the node by hand is safe
		// and much faster than Node.Encode's reflection.
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}
		if strings.Contains(t, "\n") {
			n.Style = textStyle(t)
		}
		return n, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	default:
		n := &yaml.Node{}
		if err := n.Encode(t); err != nil {
			return nil, fmt.Errorf("encode %v: %w", t, err)
		}
		return n, nil
	}
}

// scalar is a mapping key. Keys never become blocks: control characters
// put them in double quotes.
func scalar(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.ContainsAny(s, "\n\r\t") {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func orderedKeys(m map[string]any) []string {
	rank := map[string]int{}
	for i, k := range leadingKeys {
		rank[k] = i + 1
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank[keys[i]], rank[keys[j]]
		if ri != rj {
			if ri == 0 || rj == 0 {
				return ri != 0
			}
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// textStyle writes multi-line text as a literal block, which diffs line by
// line, when the block reads back as exactly the same text. yaml.v3 gets
// some blocks wrong (a line starting with a tab, a lone newline), and those
// are written double-quoted instead.
func textStyle(s string) yaml.Style {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.LiteralStyle}
	b, err := yaml.Marshal(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}})
	var back []string
	if err == nil && yaml.Unmarshal(b, &back) == nil && len(back) == 1 && back[0] == s {
		return yaml.LiteralStyle
	}
	return yaml.DoubleQuotedStyle
}
