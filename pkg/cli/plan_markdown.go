package cli

import (
	"fmt"
	"io"

	"github.com/qlikops/qlikops/pkg/diff"
	"github.com/qlikops/qlikops/pkg/plan"
)

// printPlanMarkdown writes the plan as a pull-request comment of what apply
// will do: the header, a table of counts per kind and action, then each
// step in apply's order. Creates show their spec, updates their field
// changes (side files as hunks), deletes what goes.
func printPlanMarkdown(w io.Writer, p *plan.Plan) {
	diff.WriteLine(w, "### "+diff.MarkdownText(planHeader(p)))
	diff.WriteLine(w, "")
	if len(p.Steps) == 0 {
		diff.WriteLine(w, "Nothing to do: the tenant already matches the commit.")
	} else {
		n := p.Counts()
		diff.WriteLine(w, fmt.Sprintf("Apply will create %d, update %d and delete %d resources. Field changes read from the tenant's value to the commit's.",
			n[plan.Create], n[plan.Update], n[plan.Delete]))
		diff.WriteLine(w, "")
		writeCountTable(w, p.Steps)
	}
	for _, s := range p.Steps {
		diff.WriteLine(w, "")
		diff.WriteLine(w, fmt.Sprintf("#### %s %s %s %s", actionSymbol[s.Action], s.Action, s.Kind, diff.MarkdownText(s.Key().Display())))
		diff.WriteLine(w, "")
		switch s.Action {
		case plan.Create:
			diff.MarkdownDocument(w, '+', s.Want)
		case plan.Delete:
			diff.MarkdownDocument(w, '-', s.Have)
		default:
			diff.MarkdownFields(w, s.Fields)
		}
		for _, n := range s.Notes {
			diff.WriteLine(w, "")
			diff.WriteLine(w, "> note: "+diff.MarkdownText(n))
		}
	}
	if len(p.Unresolved) > 0 {
		diff.WriteLine(w, "")
		diff.WriteLine(w, "#### Unresolved references (apply skips them)")
		diff.WriteLine(w, "")
		for _, u := range p.Unresolved {
			diff.WriteLine(w, "- "+diff.MarkdownText(u))
		}
	}
}

// writeCountTable writes the steps counted per kind and action, kinds in
// the order apply reaches them.
func writeCountTable(w io.Writer, steps []plan.Step) {
	var kinds []string
	count := map[string]map[plan.Action]int{}
	for _, s := range steps {
		if count[s.Kind] == nil {
			count[s.Kind] = map[plan.Action]int{}
			kinds = append(kinds, s.Kind)
		}
		count[s.Kind][s.Action]++
	}
	diff.WriteLine(w, "| Kind | Create | Update | Delete |")
	diff.WriteLine(w, "|---|--:|--:|--:|")
	for _, k := range kinds {
		c := count[k]
		diff.WriteLine(w, fmt.Sprintf("| %s | %d | %d | %d |", k, c[plan.Create], c[plan.Update], c[plan.Delete]))
	}
}
