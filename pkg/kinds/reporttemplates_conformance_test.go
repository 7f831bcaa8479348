package kinds_test

import (
	"testing"

	"github.com/qlikops/qlikops/pkg/kinds"
	"github.com/qlikops/qlikops/pkg/kinds/kindtest"
	"github.com/qlikops/qlikops/pkg/resource"
)

func TestConformanceReportTemplates(t *testing.T) {
	kindtest.Run(t, kinds.ReportTemplates, reportTemplatesFixture)
}

func reportTemplateDoc(s spec, files map[string][]byte) resource.Document {
	d := resource.New("ReportTemplate", "Cash deck", "", s)
	d.Files = files
	return d
}

// A template of Cash Flow; the modified one has a new file (a PUT) and a
// new description.
var reportTemplatesFixture = kindtest.Fixture{
	Seed: demoSeed,
	New: reportTemplateDoc(spec{"description": "Weekly cash for treasury.", "sourceApp": spec{"space": "Finance", "name": "Cash Flow"}},
		map[string][]byte{"template.pptx": []byte("PK\x03\x04 cash deck v1 \x00\xff")}),
	Modified: reportTemplateDoc(spec{"description": "Weekly cash, with forecasts.", "sourceApp": spec{"space": "Finance", "name": "Cash Flow"}},
		map[string][]byte{"template.pptx": []byte("PK\x03\x04 cash deck v2 \x00\xfe")}),
	FailPaths: []string{"/api/v1/report-templates"},
}
