package service_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

func termsV(version int, percents ...int) obj {
	tm := terms(percents...)
	tm["version"] = version
	return tm
}

type correctionView struct {
	FromCents, ToCents int64
	TermsVersion       int
	TrancheID          string `json:"trancheId"`
}

func (e *env) corrections(t *testing.T, id string) (out []correctionView, worth *int64) {
	t.Helper()
	var raw struct {
		Corrections []correctionView `json:"corrections"`
		Worth       *int64           `json:"worthCents"`
	}
	expect(t, "tranche", e.r.Call(t, e.finance, "GET", "/api/v1/tranches/"+id, nil, &raw), 200)
	return raw.Corrections, raw.Worth
}

type budgetTransfer struct {
	Transfer string `json:"transfer"`
	Move     string `json:"move"`
	Amount   int64  `json:"amountCents"`
	Tranche  string `json:"trancheId"`
	Reason   string `json:"reason"`
}

func (e *env) budgetTransfers(t *testing.T, id string) []budgetTransfer {
	t.Helper()
	var out []budgetTransfer
	path := "/api/v1/budgets/" + id + "/transfers?limit=500"
	for path != "" {
		var page struct {
			Items []budgetTransfer
			Links struct {
				Next *struct{ Href string }
			} `json:"_links"`
		}
		expect(t, "budget transfers", e.r.Call(t, e.finance, "GET", path, nil, &page), 200)
		out = append(out, page.Items...)
		path = ""
		if page.Links.Next != nil {
			path = page.Links.Next.Href
		}
	}
	return out
}

func (e *env) balanced(t *testing.T, id string) {
	t.Helper()
	var check struct {
		Balanced bool
		Postings int
		Stored   map[string]int64
		Computed map[string]int64
	}
	expect(t, "ledger check", e.r.Call(t, e.finance, "GET", "/api/v1/budgets/"+id+"/ledger-check", nil, &check), 200)
	if !check.Balanced || check.Postings == 0 {
		t.Fatalf("budget %s does not balance with its %d postings: kept %v, postings %v", id, check.Postings, check.Stored, check.Computed)
	}
}

// A price or terms changed after an enrolment's first event is a visible correction, never
// ignored: a tranche to come is released and committed anew, one reached and not paid is
// reversed and due again (credit and rebill), a paid one keeps what was paid and is
// corrected by a supplement or a claim of its own; every step is a posting in the budget
// naming the tranche and the correction, and the budget balances with its postings.
func TestCorrectionsKeepTheBooksTrue(t *testing.T) {
	e := start(t)
	defer func() {
		if t.Failed() {
			t.Log(e.pf.Logs.String())
		}
	}()
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 10_000_000)

	// enrolled under 40/30/30, started under the new 40/40/20: the commitments follow
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentEnrolled, "enr-1", 1, milestoneWith("enr-1", "prt-1", "enrolled", -30, 95_000, termsV(1, 40, 30, 30)))
	kittest.Eventually(t, "committed", 20*time.Second, func() bool { return e.budget(t, b.ID).Committed == 95_000 })
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, "enr-1", 2, milestoneWith("enr-1", "prt-1", "started", -20, 95_000, termsV(2, 40, 40, 20)))
	e.waitTranche(t, "trn-enr-1-started", "payable")
	kittest.Eventually(t, "completion corrected to 40%", 20*time.Second, func() bool { return e.tranche(t, "trn-enr-1-completed").Amount == 38_000 })
	kittest.Eventually(t, "placement committed at 20%", 20*time.Second, func() bool {
		got := e.tranche(t, "trn-enr-1-sustainably_placed")
		return got.Amount == 19_000 && got.Committed
	})
	if c, _ := e.corrections(t, "trn-enr-1-completed"); len(c) != 1 || c[0].FromCents != 28_500 || c[0].ToCents != 38_000 || c[0].TermsVersion != 2 {
		t.Fatalf("the completion's correction: %+v", c)
	}
	kittest.Eventually(t, "budget after the terms' correction", 20*time.Second, func() bool {
		got := e.budget(t, b.ID)
		return got.Committed == 57_000 && got.Due == 38_000
	})
	corrected := 0
	for _, tr := range e.budgetTransfers(t, b.ID) {
		if tr.Tranche == "trn-enr-1-completed" && strings.HasPrefix(tr.Reason, "correction:") {
			corrected++
		}
	}
	if corrected != 2 {
		t.Fatalf("%d postings of the completion's correction, want its release and its new commitment", corrected)
	}

	// the start is paid; then the price goes up to EUR 1000: a supplement for the start,
	// the completion reached at the new price, the placement committed at it
	e.payAll(t, "trn-enr-1-started")
	e.waitTranche(t, "trn-enr-1-started", "paid")
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentCompleted, "enr-1", 3, milestoneWith("enr-1", "prt-1", "completed", -2, 100_000, termsV(2, 40, 40, 20)))
	supplement := e.waitTranche(t, "trn-enr-1-started-c1", "payable")
	if supplement.Amount != 2_000 {
		t.Fatalf("supplement %+v, want EUR 20 (40%% of EUR 50 more)", supplement)
	}
	// (its first correction moved no money: version 2 pays 40% at the start as version 1 did)
	if c, worth := e.corrections(t, "trn-enr-1-started"); len(c) != 2 || c[0].FromCents != c[0].ToCents || c[1].TrancheID != "trn-enr-1-started-c1" ||
		worth == nil || *worth != 40_000 {
		t.Fatalf("the paid start's correction: %+v worth %v", c, worth)
	}
	if got := e.waitTranche(t, "trn-enr-1-completed", "payable"); got.Amount != 40_000 {
		t.Fatalf("completion due at %d", got.Amount)
	}
	kittest.Eventually(t, "placement committed at EUR 200", 20*time.Second, func() bool {
		got := e.tranche(t, "trn-enr-1-sustainably_placed")
		return got.Amount == 20_000 && got.Committed
	})

	// the price comes down to EUR 900 before the completion is paid: the start's worth is
	// clawed back by a claim of its own, the payable completion reversed and due again
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentPlaced, "enr-1", 4, milestoneWith("enr-1", "prt-1", "placed", -1, 90_000, termsV(2, 40, 40, 20)))
	claim := e.waitTranche(t, "trn-enr-1-started-c2", "claimed")
	if claim.Amount != 4_000 {
		t.Fatalf("claim %+v, want EUR 40 (40%% of EUR 1000 less EUR 900)", claim)
	}
	kittest.Eventually(t, "completion rebilled at EUR 360", 20*time.Second, func() bool {
		got := e.tranche(t, "trn-enr-1-completed")
		return got.Amount == 36_000 && got.Status == "payable"
	})
	// replayed, the corrections are not made again
	for seq, ev := range map[int]obj{3: milestoneWith("enr-1", "prt-1", "completed", -2, 100_000, termsV(2, 40, 40, 20)),
		4: milestoneWith("enr-1", "prt-1", "placed", -1, 90_000, termsV(2, 40, 40, 20))} {
		typ := catalog.TypeEnrolmentCompleted
		if seq == 4 {
			typ = catalog.TypeEnrolmentPlaced
		}
		e.publish(t, catalog.TopicParticipantsEnrolments, typ, "enr-1", seq, ev)
	}
	e.milestone(t, "enr-9", "prt-9", "started", 1, -1, 95_000) // a marker after the replay
	e.waitTranche(t, "trn-enr-9-started", "payable")
	if e.tranche(t, "trn-enr-1-started-c3").ID != "" {
		t.Fatal("a replay made a third correction")
	}
	// everything the provider is owed or owes adds up to the corrected price's share so far
	// paid 38,000; due: supplement 2,000 + completion 36,000 + enr-9's start 38,000;
	// committed: placement 18,000 + enr-9's 57,000 (booked with its other tranches, which may
	// follow its start's by a moment); the claim of 4,000 stays in paid until set off
	var got budget
	deadline := time.Now().Add(20 * time.Second)
	for got = e.budget(t, b.ID); got.Paid != 38_000 || got.Due != 2_000+36_000+38_000 || got.Committed != 18_000+57_000; got = e.budget(t, b.ID) {
		if time.Now().After(deadline) {
			t.Fatalf("budget after the corrections: %+v", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.balanced(t, b.ID)
	raw, _ := json.Marshal(e.budgetTransfers(t, b.ID))
	if !strings.Contains(string(raw), "trn-enr-1-started-c1") {
		t.Fatal("the supplement's posting does not name it")
	}
}

// An enrolment made before a terms change whose start lies on or after its date follows
// it until the start (participants publishes terms-changed): its commitments and the
// budget's forecast follow the new split at once, not the old one.
func TestTermsThatApplyByTheStartDateAreCommittedSo(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 10_000_000)
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentEnrolled, "enr-1", 1, milestoneWith("enr-1", "prt-1", "enrolled", -30, 95_000, termsV(1, 40, 30, 30)))
	kittest.Eventually(t, "committed 40/30/30", 20*time.Second, func() bool { return e.tranche(t, "trn-enr-1-completed").Committed })
	changed := milestoneWith("enr-1", "prt-1", "enrolled", 0, 95_000, termsV(2, 40, 40, 20))
	changed["reason"] = "terms version 2 (in force on the start) instead of 1"
	e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentTermsChanged, "enr-1", 2, changed)
	kittest.Eventually(t, "committed 40/40/20", 20*time.Second, func() bool {
		c, s := e.tranche(t, "trn-enr-1-completed"), e.tranche(t, "trn-enr-1-sustainably_placed")
		return c.Amount == 38_000 && c.Committed && s.Amount == 19_000 && s.Committed
	})
	var forecast struct {
		Months []struct {
			Month          string
			CommittedCents int64 `json:"committedCents"`
		}
	}
	expect(t, "forecast", e.r.Call(t, e.finance, "GET", "/api/v1/budgets/"+b.ID+"/forecast", nil, &forecast), 200)
	var total int64
	for _, m := range forecast.Months {
		total += m.CommittedCents
	}
	if total != 95_000 || e.budget(t, b.ID).Committed != 95_000 {
		t.Fatalf("forecast %+v", forecast)
	}
	completion := ""
	for _, m := range forecast.Months {
		if m.CommittedCents == 38_000 && m.Month != forecast.Months[0].Month {
			completion = m.Month
		}
	}
	if completion == "" {
		t.Fatalf("the completion is not forecast at its new 40%%: %+v", forecast)
	}
	e.balanced(t, b.ID)
}
