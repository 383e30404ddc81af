package service_test

import (
	"fmt"
	"strings"
	"testing"
)

type transferView struct {
	EndToEndID  string   `json:"endToEndId"`
	AmountCents int64    `json:"amountCents"`
	Tranches    []string `json:"tranches"`
	Status      string   `json:"status"`
}

func (e *env) transfers(t *testing.T, runID string) []transferView {
	t.Helper()
	var page struct{ Items []transferView }
	expect(t, "transfers", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+runID+"/transfers", nil, &page), 200)
	return page.Items
}

// twoTransfers makes a released run of two transfers (one per tranche) of EUR 380 each.
func (e *env) twoTransfers(t *testing.T, first int) (runView, []transferView) {
	t.Helper()
	for i := first; i < first+2; i++ {
		enr := fmt.Sprintf("enr-%d", i)
		e.milestone(t, enr, fmt.Sprintf("prt-%d", i), "started", 1, -5, 95_000)
		e.waitTranche(t, "trn-"+enr+"-started", "payable")
		expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-"+enr+"-started/approve", nil, nil), 200)
	}
	run := e.makeRun(t, obj{"perTranche": true})
	trs := e.transfers(t, run.ID)
	if len(trs) != 2 {
		t.Fatalf("%d transfers", len(trs))
	}
	return run, trs
}

// statusReport is a pain.002 of one payment with the given payment status and lines.
func statusReport(msgID, group, payment string, lines ...string) string {
	grp, pmt := "", ""
	if group != "" {
		grp = "<GrpSts>" + group + "</GrpSts>"
	}
	if payment != "" {
		pmt = "<PmtInfSts>" + payment + "</PmtInfSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>"
	}
	return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>` +
		`<GrpHdr><MsgId>STS-9</MsgId><CreDtTm>2026-12-02T10:00:00+01:00</CreDtTm></GrpHdr>` +
		`<OrgnlGrpInfAndSts><OrgnlMsgId>` + msgID + `</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>` + grp + `</OrgnlGrpInfAndSts>` +
		`<OrgnlPmtInfAndSts><OrgnlPmtInfId>` + msgID + `</OrgnlPmtInfId><OrgnlNbOfTxs>2</OrgnlNbOfTxs><OrgnlCtrlSum>760.00</OrgnlCtrlSum>` + pmt +
		strings.Join(lines, "") + `</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`
}

func txLine(e2e, status, amount, debtor string) string {
	return statusLine(pain002Of("M", e2e, status, "", amount, debtor))
}

// statusLine cuts the TxInfAndSts out of a one-line report.
func statusLine(doc string) string {
	i, j := strings.Index(doc, "<TxInfAndSts>"), strings.Index(doc, "</TxInfAndSts>")
	return doc[i : j+len("</TxInfAndSts>")]
}

// The bank's answer moves money only when it matches a transfer on reference, amount and
// the debtor's account: a line with another amount, another debtor account, or a payment
// without its amount becomes an exception for finance and marks nothing paid; statuses are
// read at every level (a payment rejected without transaction statuses rejects all its
// transfers, a partly accepted one is applied per transfer); finance resolves an exception
// with a reason.
func TestReconciliationMatchesReferenceAmountAndAccount(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 10_000_000)
	run, trs := e.twoTransfers(t, 1)
	a, b := trs[0], trs[1]

	bad := e.bankReport(t, statusReport(run.MessageID, "PART", "",
		txLine(a.EndToEndID, "ACSC", "3800.00", debtorIBAN),          // ten times the amount
		txLine(b.EndToEndID, "ACSC", "380.00", "NL02RABO0123456789"), // paid from another account
		txLine("RNOSUCHRUN-1234", "ACSC", "380.00", debtorIBAN),      // a reference no run has
		txLine(b.EndToEndID, "ACSC", "", debtorIBAN)))                // no amount stated
	if bad.Paid != 0 || bad.ExceptionCount != 4 {
		t.Fatalf("mismatches applied: %+v", bad)
	}
	codes := map[string]bool{}
	for _, x := range bad.Exceptions {
		codes[x.Code] = true
		if x.Line == "" || !strings.Contains(x.Line, "TxInfAndSts") {
			t.Errorf("exception %s without the bank's line: %q", x.Code, x.Line)
		}
	}
	for _, want := range []string{"amount-differs", "account-differs", "unknown-reference", "amount-missing"} {
		if !codes[want] {
			t.Errorf("no %s exception among %v", want, codes)
		}
	}
	for _, tr := range e.transfers(t, run.ID) {
		if tr.Status != "exported" {
			t.Fatalf("a transfer became %s on a line that did not match", tr.Status)
		}
	}
	// the same file again finds the same exceptions, not new ones
	again := e.bankReport(t, statusReport(run.MessageID, "PART", "", txLine(a.EndToEndID, "ACSC", "3800.00", debtorIBAN)))
	var open struct{ Items []struct{ ID, Code string } }
	expect(t, "open exceptions", e.r.Call(t, e.finance, "GET", "/api/v1/bank-exceptions?status=open", nil, &open), 200)
	if again.ExceptionCount != 1 || len(open.Items) != 4 {
		t.Fatalf("exceptions after the same line again: %+v, %d open", again, len(open.Items))
	}
	var one struct{ ID, Code, Line string }
	expect(t, "one exception", e.r.Call(t, e.finance, "GET", "/api/v1/bank-exceptions/"+open.Items[0].ID, nil, &one), 200)
	if one.ID != open.Items[0].ID || one.Code != open.Items[0].Code || one.Line == "" {
		t.Errorf("the exception on its own: %+v, in the list: %+v", one, open.Items[0])
	}
	expect(t, "resolved", e.r.Call(t, e.finance, "POST", "/api/v1/bank-exceptions/"+open.Items[0].ID+"/resolution",
		obj{"reason": "bank gebeld: regel in hun systeem gecorrigeerd"}, nil), 200)
	expect(t, "open exceptions", e.r.Call(t, e.finance, "GET", "/api/v1/bank-exceptions?status=open", nil, &open), 200)
	if len(open.Items) != 3 {
		t.Fatalf("%d open after resolving one", len(open.Items))
	}

	// partly accepted: each line as it says, when it matches
	part := e.bankReport(t, statusReport(run.MessageID, "PART", "",
		txLine(a.EndToEndID, "ACSC", "380.00", debtorIBAN), txLine(b.EndToEndID, "RJCT", "380.00", debtorIBAN)))
	if part.Paid != 1 || part.Rejected != 1 || part.ExceptionCount != 0 {
		t.Fatalf("partly accepted: %+v", part)
	}
	e.waitTranche(t, a.Tranches[0], "paid")
	e.waitHolds(t, b.Tranches[0], "bank-rejected")

	// a payment rejected whole, without transaction statuses: every transfer rejected
	second, _ := e.twoTransfers(t, 3)
	whole := e.bankReport(t, statusReport(second.MessageID, "", "RJCT"))
	if whole.Rejected != 2 {
		t.Fatalf("a payment rejected whole rejected %d transfers: %+v", whole.Rejected, whole)
	}
	e.waitHolds(t, "trn-enr-3-started", "bank-rejected")
	e.waitHolds(t, "trn-enr-4-started", "bank-rejected")

	// a payment settled whole must state the run's count and sum
	third, _ := e.twoTransfers(t, 5)
	wrongSum := strings.Replace(statusReport(third.MessageID, "", "ACSC"), "760.00", "761.00", 1)
	if rec := e.bankReport(t, wrongSum); rec.Paid != 0 || rec.ExceptionCount != 1 || rec.Exceptions[0].Code != "totals-differ" {
		t.Fatalf("a payment settled with another sum: %+v", rec)
	}
	if rec := e.bankReport(t, statusReport(third.MessageID, "", "ACSC")); rec.Paid != 2 {
		t.Fatalf("a payment settled whole with its count and sum: %+v", rec)
	}
	e.waitTranche(t, "trn-enr-5-started", "paid")

	// a statement of another account pays nothing
	fourth, trs4 := e.twoTransfers(t, 7)
	other := strings.Replace(camt053(trs4[0].EndToEndID, trs4[1].EndToEndID), debtorIBAN, "NL02RABO0123456789", 1)
	if rec := e.bankReport(t, other); rec.Paid != 0 || rec.ExceptionCount != 2 {
		t.Fatalf("a statement of another account: %+v", rec)
	}
	_ = fourth
}
