package service_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// ledgerDigest is a digest of every budget's accounts and every tranche's status, amount
// and bookings: equal digests mean an identical ledger.
func (e *env) ledgerDigest(t *testing.T, budgetID string) string {
	t.Helper()
	b := e.budget(t, budgetID)
	tranches := e.listTranches(t, "")
	sort.Slice(tranches, func(i, j int) bool { return tranches[i].ID < tranches[j].ID })
	raw, _ := json.Marshal(struct {
		B budget
		T []tranche
	}{b, tranches})
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// The whole milestone topic delivered again, twice, and redelivered messages in between
// change nothing: the same tranches, the same budget, the same digest.
func TestReplayingTheMilestonesChangesNothing(t *testing.T) {
	e := start(t)
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	b := e.openBudget(t, 2_000_000)
	type ev struct {
		key  string
		seq  int
		typ  string
		data obj
	}
	var log []ev
	for i := range 12 {
		enr, prt := fmt.Sprintf("enr-%d", i), fmt.Sprintf("prt-%d", i)
		steps := []string{"enrolled", "started", "completed"}
		if i%4 == 3 {
			steps = []string{"enrolled", "started", "dropped_out"}
		}
		if i%4 == 1 {
			steps = append(steps, "sustainably_placed")
		}
		for s, ms := range steps {
			log = append(log, ev{enr, s + 1, milestoneTypes[ms], milestoneData(enr, prt, ms, -15+s, 95_000+i*7)})
		}
	}
	publishAll := func() {
		for _, m := range log {
			e.publish(t, catalog.TopicParticipantsEnrolments, m.typ, m.key, m.seq, m.data)
		}
	}
	publishAll()
	kittest.Eventually(t, "all taken", 30*time.Second, func() bool { return e.consumed(t, "payments.milestones") >= len(log) })
	time.Sleep(500 * time.Millisecond)
	first := e.ledgerDigest(t, b.ID)
	got := e.budget(t, b.ID)
	if got.Due == 0 || got.Committed == 0 {
		t.Fatalf("nothing booked: %+v", got)
	}
	for round := 2; round <= 3; round++ {
		publishAll()
		kittest.Eventually(t, "replay taken", 30*time.Second, func() bool { return e.consumed(t, "payments.milestones") >= round*len(log) })
		time.Sleep(500 * time.Millisecond)
		if again := e.ledgerDigest(t, b.ID); again != first {
			t.Fatalf("replay %d changed the ledger: %+v", round-1, e.budget(t, b.ID))
		}
	}
}

// Many milestones race for the last euros of a budget on two instances of the service at
// once, while finance tops another budget up: the budget never goes below zero, exactly as
// many tranches as fit are due, and every other one is held, not lost.
func TestConcurrentMilestonesNeverOverrunABudget(t *testing.T) {
	pf := kittest.NewPlatform(t)
	c := &kittest.Clock{}
	e := startOn(t, pf, c)
	startOn(t, pf, c) // a second instance: the topic's partitions are shared between them
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	const fits, enrolments = 10, 40
	b := e.openBudget(t, fits*38_000)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < enrolments; i += 4 {
				enr := fmt.Sprintf("enr-%d", i)
				e.publish(t, catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, enr, 1,
					milestoneWith(enr, fmt.Sprintf("prt-%d", i), "started", -3, 38_000, terms(100)))
			}
		}()
	}
	wg.Wait()
	var due, held int
	kittest.Eventually(t, "every milestone taken", 60*time.Second, func() bool {
		due, held = 0, 0
		for _, tr := range e.listTranches(t, "") {
			switch {
			case tr.Status == "payable":
				due++
			case tr.Status == "held" && len(tr.Holds) == 1 && tr.Holds[0].Code == "budget-insufficient":
				held++
			}
		}
		return due+held == enrolments
	})
	got := e.budget(t, b.ID)
	if due != fits || got.Free != 0 || got.Due != fits*38_000 {
		t.Fatalf("%d due, %d held; budget %+v", due, held, got)
	}
}
