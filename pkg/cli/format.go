package cli

import (
	"fmt"
	"io"

	"github.com/qlikops/qlikops/pkg/plan"
)

// resultFormat is the --format of diff and plan; without one, --output
// decides, so -o json and --format json give the same output.
func resultFormat(format, output string) (string, error) {
	if format == "" {
		format = output
	}
	switch format {
	case "text", "json", "markdown":
		return format, nil
	}
	return "", fmt.Errorf("--format must be text, json or markdown, not %q", format)
}

// writePlan renders a plan in one of the result formats. Apply --dry-run
// and the confirmation prompt can show a plan the same way.
func writePlan(w io.Writer, p *plan.Plan, format string) error {
	switch format {
	case "json":
		return writeJSON(w, p)
	case "markdown":
		printPlanMarkdown(w, p)
	default:
		printPlan(w, p)
	}
	return nil
}
