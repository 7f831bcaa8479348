package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Payload renders the event in a format: the event itself (json), a Slack
// message with text and blocks, or a Teams message carrying an Adaptive
// Card (what Teams workflow webhooks accept).
func Payload(f Format, e Event) ([]byte, error) {
	e = e.trimmed()
	var v any
	switch f {
	case JSON:
		v = e
	case Slack:
		v = slackMessage(e)
	case Teams:
		v = teamsMessage(e)
	default:
		return nil, fmt.Errorf("notify format must be json, slack or teams, not %q", f)
	}
	return json.Marshal(v)
}

// facts are the label/value pairs every format shows.
func facts(e Event) [][2]string {
	fs := [][2]string{{"Tenant", e.Tenant}}
	if e.TenantID != "" {
		fs = append(fs, [2]string{"Tenant id", e.TenantID})
	}
	if e.Repo != "" {
		fs = append(fs, [2]string{"Repo", e.Repo})
	}
	if e.Commit != "" {
		fs = append(fs, [2]string{"Commit", shortHash(e.Commit)})
	}
	fs = append(fs, [2]string{"Exit code", fmt.Sprint(e.ExitCode)},
		[2]string{"Finished", e.FinishedAt.UTC().Format(time.RFC3339)},
		[2]string{"Took", e.FinishedAt.Sub(e.StartedAt).Round(100 * time.Millisecond).String()})
	return fs
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type   string      `json:"type"`
	Text   *slackText  `json:"text,omitempty"`
	Fields []slackText `json:"fields,omitempty"`
}

// slackMessage: text is the notification's fallback and preview; blocks
// carry the headline, the facts and the details.
func slackMessage(e Event) slackPayload {
	blocks := []slackBlock{
		{Type: "header", Text: &slackText{Type: "plain_text", Text: clipTo(e.Title(), 150)}},
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackEscape(e.Summary)}},
	}
	var fields []slackText
	for _, f := range facts(e) {
		fields = append(fields, slackText{Type: "mrkdwn", Text: "*" + f[0] + "*\n" + slackEscape(f[1])})
	}
	// Slack allows at most 10 fields per section.
	for len(fields) > 0 {
		n := min(len(fields), 10)
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields[:n]})
		fields = fields[n:]
	}
	if len(e.Details) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn",
			Text: clipTo("```"+strings.ReplaceAll(strings.Join(e.Details, "\n"), "```", "'''")+"```", 3000)}})
	}
	return slackPayload{Text: e.Title() + ": " + e.Summary, Blocks: blocks}
}

// slackPayload is a Slack incoming-webhook message.
type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning to.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func clipTo(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// teamsMessage is an Adaptive Card in the message envelope that Teams
// incoming webhooks (Workflows) take.
func teamsMessage(e Event) map[string]any {
	var fs []map[string]string
	for _, f := range facts(e) {
		fs = append(fs, map[string]string{"title": f[0], "value": f[1]})
	}
	color := "Attention"
	if e.Outcome == Success {
		color = "Good"
	} else if e.Outcome == Drift || e.Outcome == Partial {
		color = "Warning"
	}
	body := []map[string]any{
		{"type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": true, "color": color, "text": e.Title()},
		{"type": "TextBlock", "wrap": true, "text": e.Summary},
		{"type": "FactSet", "facts": fs},
	}
	for _, d := range e.Details {
		body = append(body, map[string]any{"type": "TextBlock", "wrap": true, "spacing": "None", "fontType": "Monospace", "text": d})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
	}
	return map[string]any{
		"type":    "message",
		"summary": e.Title(),
		"attachments": []map[string]any{{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}
