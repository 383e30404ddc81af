package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Milestone is what payments needs of a milestone participants published: the enrolment,
// its contract and pinned terms and price, and the milestone with its day.
type Milestone struct {
	EnrolmentID   string
	ParticipantID string
	Region        string
	ContractID    string
	SchemeID      string
	ProviderKvK   string
	ProductID     string
	StartDate     civil.Date
	PriceCents    domain.Cents
	Terms         trajectory.Terms
	Milestone     string
	On            civil.Date
	Reason        string
	// Withdrawn: the event withdraws the milestone (a sustainable placement that no longer holds).
	Withdrawn bool
}

// Forecast offsets of milestones still to come, from the start: what a budget holder's
// forecast per month assumes until the milestone is reached (a trajectory of six months,
// placement in the month after, sustainable six months later).
var forecastMonths = map[trajectory.Milestone]int{
	trajectory.MilestoneStarted: 0, trajectory.MilestoneCompleted: 6, trajectory.MilestonePlaced: 7, trajectory.MilestoneSustainablyPlaced: 13,
}

const milestoneActor = "participants.enrolments"

// ApplyMilestone follows one milestone event: the enrolment's tranches exist once (the
// first event of an enrolment commits all of them in the budget), the reached one becomes
// due and is checked, a dropout releases what will not come, a withdrawn milestone is
// reversed or claimed back, and a price or terms other than a tranche was made with
// correct it (corrections.go). Every step is idempotent: redelivered, replayed and
// reordered events change nothing twice.
func (s *Service) ApplyMilestone(ctx context.Context, m Milestone) error {
	amounts, err := domain.Split(m.PriceCents, m.Terms.Tranches)
	if err != nil {
		return &Rejected{Reason: err}
	}
	reached := trajectory.Milestone(m.Milestone)
	want := map[trajectory.Milestone]domain.TrancheAmount{}
	for _, a := range amounts {
		want[a.Milestone] = a
	}
	ids := make([]string, len(trajectory.Milestones))
	for i, ms := range trajectory.Milestones {
		ids[i] = domain.TrancheID(m.EnrolmentID, ms)
	}
	// the enrolment's tranches in one read; a retry after a conflict reads its one again
	loaded, err := s.Repo.LoadTranches(ctx, ids)
	if err != nil {
		return err
	}
	ctx = withBudgetMemo(ctx)
	corrects := !m.Withdrawn && m.Milestone != "dropped_out"
	for _, ms := range trajectory.Milestones {
		id := domain.TrancheID(m.EnrolmentID, ms)
		a, inTerms := want[ms]
		if !inTerms && loaded[id] == nil {
			continue
		}
		if !inTerms {
			a = domain.TrancheAmount{Milestone: ms}
		}
		first := true
		err := optimistic.Retry(ctx, func() error {
			t, err := loaded[id], error(nil)
			if !first {
				if t, err = s.loadTranche(ctx, id); err != nil && !notFound(err) {
					return err
				}
			}
			first = false
			if t != nil && t.Booking != nil {
				if err := s.finish(ctx, t); err != nil {
					return err
				}
			}
			if t != nil && corrects && correctionNeeded(t, m, a.Cents) {
				if err := s.correct(ctx, t, m, a); err != nil {
					return err
				}
			}
			switch {
			case !inTerms:
				return nil
			case m.Withdrawn:
				if a.Milestone == reached && t != nil {
					return s.withdraw(ctx, t, "milestone withdrawn: "+m.Reason)
				}
				return nil
			case m.Milestone == "dropped_out":
				if t != nil && t.Status == domain.TrancheExpected {
					return s.cancel(ctx, t, "dropped out: "+m.Reason)
				}
				return nil
			case t == nil:
				t = s.newTranche(m, a)
				if a.Milestone == reached {
					return s.reach(ctx, t, m.On)
				}
				return s.commit(ctx, t)
			case a.Milestone == reached && (t.Status == domain.TrancheExpected || t.Status == domain.TrancheReversed):
				return s.reach(ctx, t, m.On)
			case a.Milestone == reached && t.Status == domain.TrancheClaimed:
				return s.reachAgain(ctx, t, m.On)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("tranche %s: %w", id, err)
		}
	}
	return nil
}

func (s *Service) newTranche(m Milestone, a domain.TrancheAmount) *domain.Tranche {
	return &domain.Tranche{ID: domain.TrancheID(m.EnrolmentID, a.Milestone), Region: m.Region, EnrolmentID: m.EnrolmentID,
		ParticipantID: m.ParticipantID, ContractID: m.ContractID, SchemeID: m.SchemeID, ProviderKvK: m.ProviderKvK, ProductID: m.ProductID,
		Milestone: a.Milestone, TermsVersion: m.Terms.Version, Percent: a.Percent, AmountCents: a.Cents,
		PriceCents: m.PriceCents, MaxPriceCents: m.Terms.MaxPriceCents,
		StartDate: m.StartDate, ExpectedOn: m.StartDate.AddMonths(forecastMonths[a.Milestone]), Holds: []domain.Hold{}, Approvals: []domain.Approval{},
		History: []domain.TrancheChange{}}
}

// commit creates an expected tranche and commits its amount in the budget when it fits;
// when it does not, the tranche is still expected (uncommitted) and is checked for the
// budget when it falls due.
func (s *Service) commit(ctx context.Context, t *domain.Tranche) error {
	t.MoveTo(domain.TrancheExpected, s.now(), "system:"+milestoneActor, "enrolment under way")
	b, err := s.budgetFor(ctx, t)
	if err != nil {
		return err
	}
	var booking *domain.Booking
	if b != nil {
		t.BudgetID = b.ID
		booking = &domain.Booking{Move: domain.MoveCommit, Amount: t.AmountCents, Budget: b.ID}
	}
	return s.step(ctx, t, change(milestoneActor, "expected", ""), booking)
}

// reach makes a tranche due on the day of its milestone: booked as owed to the provider
// (from its commitment, or from what is free), checked, and payable or held.
func (s *Service) reach(ctx context.Context, t *domain.Tranche, on civil.Date) error {
	t.MilestoneOn = on
	t.AwaitBooking()
	t.Approvals = []domain.Approval{}
	if t.ExpectedOn.IsZero() || t.ExpectedOn != on {
		t.ExpectedOn = on
	}
	holds, err := s.precheck(ctx, t)
	if err != nil {
		return err
	}
	if h := find(t.Holds, domain.HoldBankRejected); h != nil && !slices.Contains(t.Overridden, domain.HoldBankRejected) {
		holds = append(holds, *h) // a rejected transfer stays held until two officers release it
	}
	then := domain.TranchePayable
	if len(holds) > 0 {
		then = domain.TrancheHeld
	}
	t.Holds = holds
	if err := s.assignBudget(ctx, t); err != nil {
		return err
	}
	if t.BudgetID == "" {
		t.HoldFor(hold(domain.HoldNoBudget, ""))
		return s.step(ctx, t, change(milestoneActor, actionDue, ""), nil)
	}
	if h, err := s.periodHold(ctx, t); err != nil || h != nil {
		if err != nil {
			return err
		}
		// the budget's period is over: it stays committed there until finance carries it
		t.HoldFor(*h)
		return s.step(ctx, t, change(milestoneActor, actionDue, ""), nil)
	}
	move := domain.MoveDueFree
	if t.Committed {
		move = domain.MoveDue
	}
	return s.step(ctx, t, change(milestoneActor, actionDue, ""),
		&domain.Booking{Move: move, Amount: t.AmountCents, Budget: t.BudgetID, Then: then, Otherwise: domain.TrancheHeld, Reason: "due"})
}

// assignBudget gives a tranche that has none the budget that pays it, if there is one.
func (s *Service) assignBudget(ctx context.Context, t *domain.Tranche) error {
	if t.BudgetID != "" {
		return nil
	}
	b, err := s.budgetFor(ctx, t)
	if b != nil {
		t.BudgetID = b.ID
	}
	return err
}

func change(system, action, reason string) domain.PendingChange {
	return domain.PendingChange{Actor: commit.System(system), Action: action, Reason: reason}
}

var hold = domain.NewHold

// precheck runs every check except the budget's, which the booking itself makes.
func (s *Service) precheck(ctx context.Context, t *domain.Tranche) ([]domain.Hold, error) {
	status, err := s.Contracts.StatusOn(ctx, t.ContractID, t.MilestoneOn)
	if err != nil {
		return nil, err
	}
	account, err := s.Accounts.Load(ctx, t.ProviderKvK)
	if err != nil && !notFound(err) {
		return nil, err
	}
	owner := t.ID // a correction's tranche belongs to the tranche it corrects: no duplicate
	if t.CorrectionOf == "" {
		if owner, err = s.Keys.Claim(ctx, t.ParticipantID+"|"+t.ProductID+"|"+string(t.Milestone), t.ID); err != nil {
			return nil, err
		}
	}
	in := domain.PrecheckInput{MilestoneOn: t.MilestoneOn, Today: s.today(), ContractStatusOnMilestone: status,
		PriceCents: t.PriceCents, MaxPriceCents: t.MaxPriceCents, Duplicate: owner != t.ID}
	if account != nil {
		in.IBAN, in.IBANConfirmed, in.AccountHolder = account.IBAN, account.Confirmed(), account.AccountHolder
	}
	holds := domain.Precheck(in)
	// holds finance released by hand stay released (a duplicate finance found to be none)
	holds = slices.DeleteFunc(holds, func(h domain.Hold) bool { return slices.Contains(t.Overridden, h.Code) })
	if holds == nil {
		holds = []domain.Hold{}
	}
	return holds, nil
}

// budgetFor finds the budget that pays a tranche: one that draws on its product, else one
// that draws on its scheme, in force on the day the enrolment started (the budget that
// committed to it pays all its tranches, whenever they fall due); of several, the one with
// most free.
func (s *Service) budgetFor(ctx context.Context, t *domain.Tranche) (*domain.Budget, error) {
	memo, _ := ctx.Value(budgetMemoKey{}).(map[string]*domain.Budget)
	key := t.ProductID + "|" + t.SchemeID + "|" + t.StartDate.String()
	if b, ok := memo[key]; ok {
		return b, nil
	}
	b, err := s.findBudget(ctx, t)
	if err == nil && memo != nil {
		memo[key] = b
	}
	return b, err
}

// periodHold holds a tranche whose milestone falls after its budget's period: a budget
// pays for what falls due in its period; finance carries the rest to the next (CarryOver).
func (s *Service) periodHold(ctx context.Context, t *domain.Tranche) (*domain.Hold, error) {
	b, err := s.budgetByID(ctx, t.BudgetID)
	if err != nil {
		return nil, err
	}
	if t.MilestoneOn.IsZero() || !t.MilestoneOn.After(b.Until) {
		return nil, nil
	}
	h := hold(domain.HoldBudgetPeriodEnded, "%s ran until %s", b.Name, b.Until.String())
	return &h, nil
}

// budgetByID is a budget by id, read once per milestone event.
func (s *Service) budgetByID(ctx context.Context, id string) (*domain.Budget, error) {
	memo, _ := ctx.Value(budgetMemoKey{}).(map[string]*domain.Budget)
	if b, ok := memo["id:"+id]; ok && b != nil {
		return b, nil
	}
	b, err := s.Repo.LoadBudget(ctx, id)
	if err == nil && memo != nil {
		memo["id:"+id] = b
	}
	return b, err
}

type budgetMemoKey struct{}

// withBudgetMemo: the tranches of one milestone event share the budget that pays them,
// looked up once.
func withBudgetMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, budgetMemoKey{}, map[string]*domain.Budget{})
}

func (s *Service) findBudget(ctx context.Context, t *domain.Tranche) (*domain.Budget, error) {
	day := t.StartDate
	for _, key := range []string{"product:" + t.ProductID, "scheme:" + t.SchemeID} {
		budgets, err := s.Repo.BudgetsDrawnBy(ctx, t.Region, key)
		if err != nil {
			return nil, err
		}
		var best *domain.Budget
		for i := range budgets {
			b := &budgets[i]
			if b.Covers(day) && (best == nil || b.Free > best.Free) {
				best = b
			}
		}
		if best != nil {
			return best, nil
		}
	}
	return nil, nil
}

// cancel releases the commitment of a tranche whose milestone will not come.
func (s *Service) cancel(ctx context.Context, t *domain.Tranche, reason string) error {
	t.MoveTo(domain.TrancheCancelled, s.now(), "system:"+milestoneActor, reason)
	o := change(milestoneActor, actionCancelled, reason)
	if !t.Committed {
		return s.step(ctx, t, o, nil)
	}
	return s.step(ctx, t, o, &domain.Booking{Move: domain.MoveRelease, Amount: t.AmountCents, Budget: t.BudgetID, Reason: reason})
}

// reachAgain follows a milestone reached again after it was withdrawn and its paid tranche
// claimed back: the provider earned it again. The claim is settled against it, once:
//   - a claim still open (nothing recovered yet) is dropped: the payment made stands, the
//     tranche is paid again and nothing moves in the budget;
//   - a claim recovered already (set off in a paid transfer: its money is back in the
//     budget) leaves a tranche that is simply due again, as a reversed one is;
//   - a claim set off in a run the bank has not answered waits for that answer: paid, the
//     recovered claim and the new due are one transfer (paid → due); rejected, the claim is
//     open again and is dropped (see settleClaim and freeClaims).
func (s *Service) reachAgain(ctx context.Context, t *domain.Tranche, on civil.Date) error {
	switch {
	case !t.PaidOut:
		t.SettledIn = ""
		return s.reach(ctx, t, on)
	case t.SettledIn != "":
		if t.ReachedAgain == on {
			return nil // a redelivery: the run's answer will settle it
		}
		t.ReachedAgain = on
		return s.step(ctx, t, change(milestoneActor, "reached-again", "waits for run "+t.SettledIn), nil)
	}
	s.dropClaim(t, on, "system:"+milestoneActor)
	if err := s.step(ctx, t, change(milestoneActor, actionClaimDropped, "the milestone was reached again on "+on.String()), nil); err != nil {
		return err
	}
	return s.applyPending(ctx, t) // a correction that waited for it
}

// dropClaim ends an open claim whose milestone was reached again: the payment stands.
func (s *Service) dropClaim(t *domain.Tranche, on civil.Date, by string) {
	t.MilestoneOn, t.ReachedAgain, t.SettledIn = on, civil.Date{}, ""
	t.Holds = []domain.Hold{}
	t.MoveTo(domain.TranchePaid, s.now(), by, "the milestone was reached again on "+on.String()+": the claim is dropped and the payment stands")
}

// withdraw follows a milestone that no longer holds: before payment the tranche is
// reversed (its amount back to the budget), after payment it is claimed back from the
// provider (set off against its next payment).
func (s *Service) withdraw(ctx context.Context, t *domain.Tranche, reason string) error {
	switch t.Status {
	case domain.TrancheClaimed:
		if t.ReachedAgain.IsZero() {
			return nil
		}
		t.ReachedAgain = civil.Date{} // withdrawn again before its run was answered
		return s.step(ctx, t, change(milestoneActor, "withdrawn-again", reason), nil)
	case domain.TrancheReversed, domain.TrancheCancelled, domain.TrancheExpected:
		return nil
	}
	owed := t.Owed && t.Status != domain.TranchePaid && t.Status != domain.TrancheExported
	status := t.Withdraw(reason, s.now(), "system:"+milestoneActor)
	t.Holds = []domain.Hold{}
	o := change(milestoneActor, string(status), reason)
	if !owed {
		return s.step(ctx, t, o, nil)
	}
	return s.step(ctx, t, o, &domain.Booking{Move: domain.MoveReverse, Amount: t.AmountCents, Budget: t.BudgetID, Reason: reason})
}
