package kinds_test

import (
	"archive/zip"
	"bytes"
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
		map[string][]byte{"template.pptx": officeFile("cash deck v1 \x00\xff")}),
	Modified: reportTemplateDoc(spec{"description": "Weekly cash, with forecasts.", "sourceApp": spec{"space": "Finance", "name": "Cash Flow"}},
		map[string][]byte{"template.pptx": officeFile("cash deck v2 \x00\xfe")}),
	FailPaths: []string{"/api/v1/report-templates"},
}

// officeFile is a stand-in Office file: a zip holding one part, which is
// what a template download is checked to be whole against.
func officeFile(content string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create("ppt/slides/slide1.xml")
	if err == nil {
		_, err = w.Write([]byte(content))
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		panic(err)
	}
	return b.Bytes()
}
