package licenses

import (
	"fmt"
	"net/http"

	"github.com/qlikops/qlikops/pkg/sim/core"
)

// licence is the tenant's licence as the overview shows it. Units used are
// counted from the assignments, never stored.
//
// Choices where Qlik does not say: a new tenant's licence has 10
// professional and 50 analyzer seats and 300 capacity minutes; allotments
// whose usageClass is "assigned" are the ones users are assigned to
// (professional, analyzer), "time" ones (analyzer_time) are capacity and
// take no assignment.
type licence struct {
	LicenseNumber   string      `json:"licenseNumber"`
	SecondaryNumber string      `json:"secondaryNumber"`
	Product         string      `json:"product"`
	LicenseKey      string      `json:"licenseKey"`
	Valid           string      `json:"valid"`
	Trial           bool        `json:"trial"`
	Allotments      []allotment `json:"allotments"`
}

type allotment struct {
	Name       string `json:"name"`
	Units      int    `json:"units"`
	Overage    int    `json:"overage,omitempty"`
	UsageClass string `json:"usageClass,omitempty"`
}

// Licence holds the one licence, under licenceRow.
var Licence = core.NewTable[licence]("licence")

const licenceRow = "licence"

func defaultLicence() *licence {
	return &licence{LicenseNumber: "9999000000000001", SecondaryNumber: "0", Product: "Qlik Cloud Analytics Standard",
		LicenseKey: "qliksim-default-licence-key", Valid: "2026-01-01/2027-12-31",
		Allotments: []allotment{{Name: "professional", Units: 10, UsageClass: "assigned"},
			{Name: "analyzer", Units: 50, UsageClass: "assigned"},
			{Name: "analyzer_time", Units: 300, Overage: 100, UsageClass: "time"}}}
}

// check fills usage classes and refuses what the overview could not show.
func (l *licence) check() error {
	if l.LicenseNumber == "" || l.Product == "" {
		return fmt.Errorf("licenseNumber and product are required")
	}
	seen := map[string]bool{}
	for i := range l.Allotments {
		a := &l.Allotments[i]
		switch a.Name {
		case "professional", "analyzer":
			if a.UsageClass == "" {
				a.UsageClass = "assigned"
			}
		case "analyzer_time":
			if a.UsageClass == "" {
				a.UsageClass = "time"
			}
		default:
			return fmt.Errorf("allotments[%d]: name %q is not professional, analyzer or analyzer_time", i, a.Name)
		}
		if seen[a.Name] || a.Units < 0 {
			return fmt.Errorf("allotments[%d] (%s): listed twice or negative units", i, a.Name)
		}
		seen[a.Name] = true
	}
	if l.Valid == "" {
		l.Valid = "2026-01-01/2027-12-31"
	}
	return nil
}

func licenceOf(st *core.State) *licence { return Licence.Get(st, licenceRow) }

// allotmentOf is the assignable allotment named typ, or nil.
func allotmentOf(st *core.State, typ string) *allotment {
	for i, a := range licenceOf(st).Allotments {
		if a.Name == typ && a.UsageClass == "assigned" {
			return &licenceOf(st).Allotments[i]
		}
	}
	return nil
}

func used(st *core.State, typ string) int {
	return Assignments.Count(st, func(a *assignment) bool { return a.Type == typ })
}

// overview is licenseOverview, units used counted now. The licence key
// is returned as Qlik returns it; qlikops treats it as a credential.
func overview(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		l := licenceOf(s.St)
		var allots []any
		for _, a := range l.Allotments {
			m := map[string]any{"name": a.Name, "units": a.Units, "unitsUsed": used(s.St, a.Name), "usageClass": a.UsageClass}
			if a.UsageClass == "time" {
				m["unitsUsed"] = 0
			}
			if a.Overage != 0 {
				m["overage"] = a.Overage
			}
			allots = append(allots, m)
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{
			"licenseNumber": l.LicenseNumber, "secondaryNumber": l.SecondaryNumber, "product": l.Product,
			"licenseKey": l.LicenseKey, "valid": l.Valid, "trial": l.Trial, "origin": "Internal", "status": "Ok",
			"updated": "2026-01-01T00:00:00.000Z", "allotments": allots, "parameters": []any{},
		})
	}
}

// status is licenseStatus.
func status(s *core.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Mu.Lock()
		defer s.Mu.Unlock()
		l := licenceOf(s.St)
		core.WriteJSON(w, http.StatusOK, map[string]any{"type": "Signed", "trial": l.Trial, "valid": l.Valid,
			"origin": "Internal", "status": "Ok", "product": l.Product, "deactivated": false, "extensionStatus": "Unavailable"})
	}
}
