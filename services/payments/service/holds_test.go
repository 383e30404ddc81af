package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

func (e *env) holds(t *testing.T, id string) []string {
	t.Helper()
	var codes []string
	for _, h := range e.tranche(t, id).Holds {
		codes = append(codes, h.Code)
	}
	return codes
}

func (e *env) waitHolds(t *testing.T, id string, want ...string) {
	t.Helper()
	kittest.Eventually(t, id+" held "+strings.Join(want, ","), 20*time.Second, func() bool {
		return e.tranche(t, id).Status == "held" && strings.Join(e.holds(t, id), ",") == strings.Join(want, ",")
	})
}

// A tranche whose pre-checks fail is held with every reason and released by itself when
// the causes are fixed: a contract that arrives late, a budget opened afterwards, a bank
// account registered and then confirmed by finance, a milestone dated in the future whose
// day comes. Holds only finance can judge (a duplicate, a transfer the bank rejected) are
// released by hand with a reason or by a new account.
func TestHeldUntilTheCauseIsFixed(t *testing.T) {
	c := &kittest.Clock{}
	e := startOn(t, kittest.NewPlatform(t), c)

	// no contract, no budget, no bank account yet
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.waitHolds(t, "trn-enr-1-started", "no-contract", "bank-account-missing", "no-budget")
	// operations see it: the gauge of held tranches (the alert on it names the runbook)
	if v, _ := kittest.Sample(e.r.Metrics(t), "werkregio_payments_tranches_held"); v != "1" {
		t.Errorf("held tranches gauge: %q, want 1", v)
	}
	e.award(t, contractID, provider, -60)
	e.waitHolds(t, "trn-enr-1-started", "bank-account-missing", "no-budget")
	b := e.openBudget(t, 1_000_000)
	if v, _ := kittest.Sample(e.r.Metrics(t), "werkregio_payments_budget_free_ratio", `budget="`+b.ID+`"`); v != "1" && v != "0.962" {
		t.Errorf("the new budget's free share: %q, want 1 (or 0.962 once the tranche is committed)", v)
	}
	e.waitHolds(t, "trn-enr-1-started", "bank-account-missing")
	e.account(t, provider, "NL91ABNA0417164300", "pending", 1)
	e.waitHolds(t, "trn-enr-1-started", "bank-account-unconfirmed")
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 2)
	e.waitTranche(t, "trn-enr-1-started", "payable")

	// a milestone dated in the future waits for its day
	e.milestone(t, "enr-2", "prt-2", "started", 1, 2, 95_000)
	e.waitHolds(t, "trn-enr-2-started", "milestone-not-reached")
	c.Advance(3 * 24 * time.Hour)
	e.waitTranche(t, "trn-enr-2-started", "payable")

	// the same person enrolled twice in the same product: held as a duplicate until finance releases it
	e.milestone(t, "enr-3", "prt-1", "started", 1, -1, 95_000)
	e.waitHolds(t, "trn-enr-3-started", "duplicate")
	expect(t, "release without a reason", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-3-started/release", obj{"code": "duplicate", "reason": ""}, nil), 422)
	expect(t, "only some holds are released by hand", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-3-started/release",
		obj{"code": "no-budget", "reason": "geen idee"}, nil), 422)
	var tr tranche
	expect(t, "release", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-3-started/release",
		obj{"code": "duplicate", "reason": "tweede traject na uitval, afgestemd met de regio"}, &tr), 200)
	if tr.Status != "payable" {
		t.Fatalf("released duplicate is %s %+v", tr.Status, tr.Holds)
	}

	// the bank rejects a transfer: held with its reason until a new account is confirmed
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, nil), 200)
	run := e.makeRun(t, obj{"perTranche": true})
	var transfers struct {
		Items []struct {
			EndToEndID string `json:"endToEndId"`
		}
	}
	expect(t, "transfers", e.r.Call(t, e.finance, "GET", "/api/v1/runs/"+run.ID+"/transfers", nil, &transfers), 200)
	if len(transfers.Items) != 1 || len(transfers.Items[0].EndToEndID) > 35 {
		t.Fatalf("transfers %+v", transfers.Items)
	}
	expect(t, "cannot cancel a sent run", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+run.ID+"/sent", nil, nil), 200)
	expect(t, "cannot cancel a sent run", e.r.Call(t, e.finance, "POST", "/api/v1/runs/"+run.ID+"/cancel", obj{"reason": "vergissing"}, nil), 409)
	var problem map[string]any
	if s := e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": pain002(run.MessageID, transfers.Items[0].EndToEndID, "RJCT", "AC04", 38_000)}, &problem); s != 200 {
		t.Fatalf("pain.002 rejected: %d %v", s, problem)
	}
	e.waitHolds(t, "trn-enr-1-started", "bank-rejected")
	if got := e.budget(t, b.ID); got.Paid != 0 {
		t.Fatalf("a rejected transfer was booked paid: %+v", got)
	}
	// a new account confirmed by the second officer is the first of the two releases a
	// rejected transfer needs; that officer cannot give the second, another one does
	e.account(t, provider, "NL44RABO0123456789", "confirmed", 3)
	kittest.Eventually(t, "release asked by the account's confirmation", 20*time.Second, func() bool {
		var raw struct{ Releases []struct{ By string } }
		e.r.Call(t, e.finance, "GET", "/api/v1/tranches/trn-enr-1-started", nil, &raw)
		return len(raw.Releases) == 1 && raw.Releases[0].By == secondOfficerSubject
	})
	e.waitHolds(t, "trn-enr-1-started", "bank-rejected")
	expect(t, "the confirming officer cannot release it too", e.r.Call(t, e.finance2, "POST", "/api/v1/tranches/trn-enr-1-started/release",
		obj{"code": "bank-rejected", "reason": "nieuw rekeningnummer bevestigd"}, nil), 409)
	expect(t, "a second officer releases it", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/release",
		obj{"code": "bank-rejected", "reason": "nieuw rekeningnummer gecontroleerd"}, nil), 200)
	e.waitTranche(t, "trn-enr-1-started", "payable")

	// the events tell partner systems every step, with the return codes
	msgs := kittest.ReadUntil(t, e.pf.Infra.Kafka, e.pf.Topic(catalog.TopicPaymentsTranches), 10*time.Second, func(ms []kafka.Message) bool {
		return countType(ms, catalog.TypeTrancheRejected) >= 1 && countType(ms, catalog.TypeTrancheReleased) >= 4
	})
	if n := countType(msgs, catalog.TypeTrancheDue); n != 3 {
		t.Errorf("%d due events for three tranches", n)
	}
}

func countType(ms []kafka.Message, typ string) int {
	n := 0
	for _, m := range ms {
		if kittest.Header(m, "ce_type") == typ {
			n++
		}
	}
	return n
}
