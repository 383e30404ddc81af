package service_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/kittest"
)

// A region whose bank still asks for pain.001.001.03 sets it and gets files valid against
// that schema; the bank's account statement (camt.053) settles the transfers as its status
// report would: a booked debit is paid, a returned one is held with the bank's code.
func TestOlderFilesBySettingAndTheAccountStatement(t *testing.T) {
	e := startOn(t, kittest.NewPlatform(t), &kittest.Clock{}, "PAYMENTS_PAIN_VERSION", "pain.001.001.03")
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 1_000_000)
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.milestone(t, "enr-2", "prt-2", "started", 1, -5, 95_000)
	for _, id := range []string{"trn-enr-1-started", "trn-enr-2-started"} {
		e.waitTranche(t, id, "payable")
		expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/"+id+"/approve", nil, nil), 200)
	}
	var run struct{ ID, Format string }
	expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0), "perTranche": true}, &run), 201)
	if run.Format != "pain.001.001.03" {
		t.Fatalf("format %s", run.Format)
	}
	expect(t, "approved", e.r.Call(t, e.finance2, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, nil), 200)
	validAgainst(t, e.download(t, run.ID), "pain.001.001.03.xsd")

	var transfers struct {
		Items []struct {
			EndToEndID string   `json:"endToEndId"`
			Tranches   []string `json:"tranches"`
		}
	}
	expect(t, "transfers", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+run.ID+"/transfers", nil, &transfers), 200)
	if len(transfers.Items) != 2 {
		t.Fatalf("%d transfers", len(transfers.Items))
	}
	// a run of 100,000 transfers is read a page at a time
	var page struct {
		Items []struct {
			EndToEndID string `json:"endToEndId"`
		}
		Links struct {
			Next *struct{ Href string }
		} `json:"_links"`
	}
	expect(t, "a page", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+run.ID+"/transfers?limit=1", nil, &page), 200)
	if len(page.Items) != 1 || page.Links.Next == nil || page.Items[0].EndToEndID != transfers.Items[0].EndToEndID {
		t.Fatalf("first page %+v", page)
	}
	first := page.Items[0].EndToEndID
	next := page.Links.Next.Href
	page.Links.Next = nil
	expect(t, "the next page", e.r.Call(t, e.finance, "GET", next, nil, &page), 200)
	if len(page.Items) != 1 || page.Items[0].EndToEndID == first || page.Links.Next != nil {
		t.Fatalf("second page %+v", page)
	}
	paid, returned := transfers.Items[0], transfers.Items[1]
	var rec struct {
		Kind           string
		Paid, Rejected int
	}
	var problem map[string]any
	if s := e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": camt053(paid.EndToEndID, returned.EndToEndID)}, &problem); s != 200 {
		t.Fatalf("camt.053: %d %v", s, problem)
	}
	rec.Kind, _ = problem["kind"].(string)
	rec.Paid, rec.Rejected = int(problem["paid"].(float64)), int(problem["rejected"].(float64))
	if rec.Kind != "camt.053" || rec.Paid != 1 || rec.Rejected != 1 {
		t.Fatalf("reconciliation %+v", rec)
	}
	e.waitTranche(t, paid.Tranches[0], "paid")
	e.waitHolds(t, returned.Tranches[0], "bank-rejected")
	if got := e.budget(t, b.ID); got.Paid != 38_000 {
		t.Fatalf("budget after the statement: %+v", got)
	}
	if r := e.tranche(t, returned.Tranches[0]); !strings.Contains(r.Holds[0].Reason, "AC04") {
		t.Fatalf("the return's code is not in the hold: %+v", r.Holds)
	}
}

func camt053(paid, returned string) string {
	entry := func(e2e, direction, extra string) string {
		return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">380.00</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-12-02</Dt></BookgDt>
<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs>%s</TxDtls></NtryDtls></Ntry>`, direction, e2e, extra)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-12-02T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>` +
		entry(paid, "DBIT", "") + entry(returned, "CRDT", "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>") +
		`</Stmt></BkToCstmrStmt></Document>`
}

// A run that was not sent can be cancelled: its tranches are approved again and the next
// run takes them. The statement comes as CSV for a spreadsheet too.
func TestACancelledRunReturnsItsTranchesAndTheStatementAsCSV(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 1_000_000)
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.waitTranche(t, "trn-enr-1-started", "payable")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, nil), 200)
	var first, second struct {
		ID, Status string
		Tranches   int
	}
	expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0)}, &first), 201)
	expect(t, "cancel without a reason", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+first.ID+"/cancel", obj{"reason": ""}, nil), 422)
	expect(t, "cancel", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+first.ID+"/cancel", obj{"reason": "verkeerde uitvoeringsdatum"}, &first), 200)
	if first.Status != "cancelled" {
		t.Fatalf("run %+v", first)
	}
	e.waitTranche(t, "trn-enr-1-started", "approved")
	expect(t, "no file of a cancelled run", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+first.ID+"/file", nil, nil), 409)
	expect(t, "next run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0)}, &second), 201)
	if second.Tranches != 1 || second.Status != "ready" {
		t.Fatalf("the next run %+v does not take the returned tranche", second)
	}
	// finance lists runs by status: the cancelled one apart from the one ready to send
	var cancelled, ready struct{ Items []struct{ ID string } }
	expect(t, "cancelled runs", e.r.Call(t, e.finance, "GET", "/api/v1/runs?status=cancelled", nil, &cancelled), 200)
	expect(t, "ready runs", e.r.Call(t, e.finance, "GET", "/api/v1/runs?status=ready", nil, &ready), 200)
	if len(cancelled.Items) != 1 || cancelled.Items[0].ID != first.ID || len(ready.Items) != 1 || ready.Items[0].ID != second.ID {
		t.Fatalf("runs by status: cancelled %+v, ready %+v", cancelled, ready)
	}
	expect(t, "unknown status", e.r.Call(t, e.finance, "GET", "/api/v1/runs?status=lost", nil, nil), 400)

	req, _ := http.NewRequest("GET", e.r.URL+"/api/v1/providers/"+provider+"/statement", nil)
	req.Header.Set("Authorization", "Bearer "+e.prov)
	req.Header.Set("Accept", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("statement as CSV: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if len(rows) != 2 || rows[0][0] != "tranche" || rows[1][0] != "trn-enr-1-started" || rows[1][5] != "380.00" || rows[1][6] != "exported" {
		t.Fatalf("statement rows %v", rows)
	}
}

// A bank that refuses the whole file (GrpSts RJCT) rejects every transfer of its run,
// found by the file's message id.
func TestAFileRefusedWholeRejectsEveryTransfer(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 1_000_000)
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.waitTranche(t, "trn-enr-1-started", "payable")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, nil), 200)
	run := e.makeRun(t)
	refused := `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>` +
		`<GrpHdr><MsgId>STS-2</MsgId><CreDtTm>2026-12-02T10:00:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>` + run.MessageID +
		`</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`
	var rec struct{ Rejected int }
	expect(t, "group rejection", e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": refused}, &rec), 200)
	if rec.Rejected != 1 {
		t.Fatalf("%d rejected", rec.Rejected)
	}
	e.waitHolds(t, "trn-enr-1-started", "bank-rejected")
	// an answer on a message no run has is an exception for finance, not applied
	unknown := e.bankReport(t, strings.Replace(refused, run.MessageID, "NOSUCHRUN", 1))
	if unknown.Rejected != 0 || unknown.ExceptionCount != 1 || unknown.Exceptions[0].Code != "unknown-reference" || unknown.Exceptions[0].Reference != "NOSUCHRUN" {
		t.Fatalf("an unknown message id: %+v", unknown)
	}
}
