package service_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/werkregio/platform/services/kit/kittest"
)

// A document's name reaches the buyer's screen and the Content-Disposition of its
// download: only printable names are taken, so none forges a header line or disguises
// what the file is; and what a decision was made on is what stays: no document after it.
func TestEvidenceHasAPrintableNameAndIsAddedBeforeTheDecisionOnly(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-1", 612_500_000, "2025-03-01", "2025-05-01", "2027-04-30")
	d := g.declareCandidate(t, id, bsnAnna, "2025-06-01", "2025-11-30")

	for _, name := range []string{
		"contract.pdf\r\nSet-Cookie: x=1", // a header line of its own
		"contract\n.pdf",
		"contract\t.pdf",
		"contract\x00.pdf",
		"contract\x1b[31m.pdf",
		"factuur\u202Efdp.exe", // shows as factuurexe.pdf
		"contract\u2028.pdf",
		`contract".pdf`,
		"../contract.pdf",
		`..\contract.pdf`,
	} {
		if status, body := g.upload(t, d.ID, name, samplePDF); status != 422 {
			t.Errorf("name %q: %d %s, want 422", name, status, body)
		}
	}

	ev := g.attach(t, d.ID, "arbeidscontract Ånna (2025).pdf", samplePDF)
	req, _ := http.NewRequest("GET", g.r.URL+"/api/v1/declarations/"+d.ID+"/evidence/"+ev, nil)
	req.Header.Set("Authorization", "Bearer "+g.buyer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || cd != `attachment; filename*=utf-8''arbeidscontract%20%C3%85nna%20%282025%29.pdf` {
		t.Fatalf("download: %d %q", resp.StatusCode, cd)
	}

	expect(t, "approve", g.r.Call(t, g.buyer, "POST", "/api/v1/declarations/"+d.ID+"/approve", obj{"reason": "contract gezien"}, nil), 200)
	if status, body := g.upload(t, d.ID, "nagekomen.pdf", append([]byte(nil), append(samplePDF, '\n')...)); status != 409 {
		t.Fatalf("evidence after the decision: %d %s, want 409", status, body)
	}
}
