package service_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/kittest"
)

// The whole way of a provider's money: milestones make tranches due exactly as the terms
// split the price, commitments and holds follow the budget, finance approves (four eyes
// above the amount), a run produces a valid SEPA file that is the same every time, and the
// bank's status report marks the transfer paid, with the budget adding up at every step.
func TestFromMilestoneToBank(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 100_000)

	// enrolment 1: the whole price is committed when it is enrolled, 40% due at the start
	e.milestone(t, "enr-1", "prt-1", "enrolled", 1, -21, 95_000)
	defer func() {
		if t.Failed() {
			for _, m := range kittest.ReadUntil(t, e.pf.Infra.Kafka, e.pf.Topic("participants.enrolments.v1.dlq"), 2*time.Second, func([]kafka.Message) bool { return false }) {
				t.Log(kittest.Header(m, "dlq_reason"))
			}
			var list struct{ Items []map[string]any }
			e.r.Call(t, e.finance, "GET", "/api/v1/tranches", nil, &list)
			for _, it := range list.Items {
				t.Logf("%v", it)
			}
		}
	}()
	kittest.Eventually(t, "committed", 20*time.Second, func() bool { return e.budget(t, b.ID).Committed == 95_000 })
	e.milestone(t, "enr-1", "prt-1", "started", 2, -10, 95_000)
	started := e.waitTranche(t, "trn-enr-1-started", "payable")
	if started.Amount != 38_000 {
		t.Fatalf("40%% of EUR 950 is EUR 380, got %d cents", started.Amount)
	}
	if got := e.budget(t, b.ID); got.Free != 5_000 || got.Committed != 57_000 || got.Due != 38_000 {
		t.Fatalf("budget after the start: %+v", got)
	}

	// enrolment 2 does not fit: its tranches are expected without commitment and its start is held
	e.milestone(t, "enr-2", "prt-2", "enrolled", 1, -21, 95_000)
	e.milestone(t, "enr-2", "prt-2", "started", 2, -9, 95_000)
	held := e.waitTranche(t, "trn-enr-2-started", "held")
	if len(held.Holds) != 1 || held.Holds[0].Code != "budget-insufficient" {
		t.Fatalf("holds %+v, want budget-insufficient", held.Holds)
	}
	// its detail by its rule, for a person to read in Dutch ("€ 380,00 nodig")
	if h := held.Holds[0]; h.Rule != "x-needed" || len(h.Params) != 1 || h.Params[0] != "EUR 380,00" {
		t.Errorf("the hold's detail by its rule: %+v", h)
	}
	// a top-up releases it
	expect(t, "top up", e.r.Call(t, e.finance, "POST", "/api/v1/budgets/"+b.ID+"/top-ups", obj{"amountCents": 50_000, "reason": "tweede tranche RIF"}, nil), 200)
	e.waitTranche(t, "trn-enr-2-started", "payable")
	if got := e.budget(t, b.ID); got.Granted != 150_000 || got.Due != 76_000 || got.Free != 17_000 {
		t.Fatalf("budget after the top-up: %+v", got)
	}

	// approvals: below the four-eyes amount one officer suffices; the same one twice never counts
	var tr tranche
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, &tr), 200)
	if tr.Status != "approved" {
		t.Fatalf("status %s after one approval of EUR 380 (four eyes above EUR 500)", tr.Status)
	}
	expect(t, "approve 2", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, &tr), 200)
	expect(t, "provider may not approve", e.r.Call(t, e.prov, "POST", "/api/v1/tranches/trn-enr-2-started/approve", nil, nil), 403)

	// the run: one transfer to the provider for both tranches
	var run struct {
		ID, Status, MessageID string
		Transfers, Tranches   int
		TotalCents            int64
	}
	expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0)}, &run), 201)
	if run.Status != "ready" || run.Transfers != 1 || run.Tranches != 2 || run.TotalCents != 76_000 {
		t.Fatalf("run %+v", run)
	}
	// four eyes where the money leaves: no file until a second officer approves the run
	expect(t, "no file before the run's approval", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+run.ID+"/file", nil, nil), 409)
	expect(t, "the builder does not approve", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, nil), 409)
	expect(t, "a second officer approves", e.r.Call(t, e.finance2, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, &run), 200)
	if run.Status != "approved" {
		t.Fatalf("approved run %+v", run)
	}
	file := e.download(t, run.ID)
	validPain001(t, file)
	if !bytes.Equal(file, e.download(t, run.ID)) {
		t.Fatal("the run's file differs when asked for again")
	}
	for _, want := range []string{"<CtrlSum>760.00</CtrlSum>", "<NbOfTxs>1</NbOfTxs>", "enr-1-started", "enr-2-started", "<StrtNm>Hoofdstraat</StrtNm>"} {
		if !strings.Contains(string(file), want) {
			t.Errorf("the file lacks %s", want)
		}
	}
	e.waitTranche(t, "trn-enr-1-started", "exported")
	var again struct{ Items []any }
	expect(t, "second run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0)}, nil), 201)
	expect(t, "nothing left", e.r.Call(t, e.finance, "GET", "/api/v1/tranches?status=approved", nil, &again), 200)
	if len(again.Items) != 0 {
		t.Fatalf("%d approved tranches left after the run", len(again.Items))
	}

	// the bank's status report: paid
	e2e := "R" + strings.ToUpper(strings.TrimPrefix(run.ID, "run-")) + "-" + provider
	var rec struct{ Paid, Rejected, Unchanged int }
	expect(t, "pain.002", e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": pain002(run.MessageID, e2e, "ACSC", "", 76_000)}, &rec), 200)
	if rec.Paid != 1 {
		t.Fatalf("reconciliation %+v", rec)
	}
	expect(t, "same file again", e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": pain002(run.MessageID, e2e, "ACSC", "", 76_000)}, &rec), 200)
	if rec.Paid != 0 || rec.Unchanged != 1 {
		t.Fatalf("importing the same file again: %+v", rec)
	}
	e.waitTranche(t, "trn-enr-1-started", "paid")
	if got := e.budget(t, b.ID); got.Paid != 76_000 || got.Due != 0 {
		t.Fatalf("budget after payment: %+v", got)
	}

	// a dropout releases what will not come; the statement shows the provider what it got
	e.milestone(t, "enr-1", "prt-1", "dropped_out", 3, -1, 95_000)
	e.waitTranche(t, "trn-enr-1-completed", "cancelled")
	if got := e.budget(t, b.ID); got.Committed != 0 {
		t.Fatalf("commitments left after the dropout: %+v", got)
	}
	var st struct {
		PaidCents int64 `json:"paidCents"`
		Lines     []any `json:"lines"`
	}
	expect(t, "statement", e.r.Call(t, e.prov, "GET", "/api/v1/providers/"+provider+"/statement", nil, &st), 200)
	if st.PaidCents != 76_000 || len(st.Lines) != 2 {
		t.Fatalf("statement %+v", st)
	}
	expect(t, "another provider's statement", e.r.Call(t, e.other, "GET", "/api/v1/providers/"+provider+"/statement", nil, nil), 404)
}

// A budget opened by a request whose answer was lost (the process died after saving it but
// before keeping the idempotent answer): the retry with the same Idempotency-Key gets that
// budget; there is one budget, granted once.
func TestABudgetOpenedAgainAfterItsAnswerWasLostIsOneBudget(t *testing.T) {
	e := startOn(t, kittest.NewPlatform(t), &kittest.Clock{})
	key := http.Header{"Idempotency-Key": {"open-rif-2026"}}
	in := obj{"name": "RIF Groningen 2026", "source": "Regionaal Investeringsfonds", "from": kittest.Day(-365), "until": kittest.Day(365),
		"schemes": []string{"sch-1"}, "amountCents": 1_000_000}
	var first, again budget
	if s, _ := e.r.CallWith(t, e.finance, "POST", "/api/v1/budgets", key, in, &first); s != 201 {
		t.Fatalf("open: %d", s)
	}
	if _, err := e.r.Platform.DB.Collection("idempotency_keys").DeleteMany(context.Background(), bson.D{}); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.r.CallWith(t, e.finance, "POST", "/api/v1/budgets", key, in, &again); s != 201 || again.ID != first.ID || again.Granted != 1_000_000 {
		t.Fatalf("the retry: %d %+v, want 201 with budget %s granted once", s, again, first.ID)
	}
	var list struct{ Items []budget }
	expect(t, "budgets", e.r.Call(t, e.finance, "GET", "/api/v1/budgets", nil, &list), 200)
	if len(list.Items) != 1 {
		t.Fatalf("%d budgets after one opening and its retry", len(list.Items))
	}
}
