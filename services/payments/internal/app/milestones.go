package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// Milestone is what payments reads of participants' milestone events: the enrolment, its
// contract and pinned terms and price, and the milestone with its day.
type Milestone struct {
	EnrolmentID   string           `json:"enrolmentId"`
	ParticipantID string           `json:"participantId"`
	Region        string           `json:"region"`
	ContractID    string           `json:"contractId"`
	SchemeID      string           `json:"schemeId"`
	ProviderKvK   string           `json:"providerKvk"`
	ProductID     string           `json:"productId"`
	StartDate     civil.Date       `json:"startDate"`
	PriceCents    domain.Cents     `json:"priceCents"`
	Terms         trajectory.Terms `json:"terms"`
	Milestone     string           `json:"milestone"`
	On            civil.Date       `json:"on"`
	Reason        string           `json:"reason,omitempty"`
	// Withdrawn: the event withdraws the milestone (a sustainable placement that no longer holds).
	Withdrawn bool `json:"-"`
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
// reversed or claimed back. Every step is idempotent: redelivered, replayed and reordered
// events change nothing twice.
func (s *Service) ApplyMilestone(ctx context.Context, m Milestone) error {
	if m.Region != s.region {
		return reject("the milestone is of region %s, not %s", m.Region, s.region)
	}
	amounts, err := domain.Split(m.PriceCents, m.Terms.Tranches)
	if err != nil {
		return &Rejected{Reason: err}
	}
	reached := trajectory.Milestone(m.Milestone)
	ids := make([]string, len(amounts))
	for i, a := range amounts {
		ids[i] = domain.TrancheID(m.EnrolmentID, a.Milestone)
	}
	// the enrolment's tranches in one read; a retry after a conflict reads its one again
	loaded, err := s.Repo.LoadTranches(ctx, ids)
	if err != nil {
		return err
	}
	ctx = withBudgetMemo(ctx)
	for _, a := range amounts {
		id := domain.TrancheID(m.EnrolmentID, a.Milestone)
		first := true
		err := rules.Retry(ctx, func() error {
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
			switch {
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
	t.Status = domain.TrancheExpected
	t.History = append(t.History, domain.TrancheChange{Status: t.Status, At: s.clock().UTC(), By: "system:" + milestoneActor, Reason: "enrolment under way"})
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
	if t.Status == "" {
		t.Status = domain.TrancheExpected // until the booking's outcome is known
	}
	t.Approvals = []domain.Approval{}
	if t.ExpectedOn.IsZero() || t.ExpectedOn != on {
		t.ExpectedOn = on
	}
	holds, err := s.precheck(ctx, t)
	if err != nil {
		return err
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
		t.Holds = append(t.Holds, hold(domain.HoldNoBudget, ""))
		t.Status = domain.TrancheHeld
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
	return domain.PendingChange{Actor: rules.System(system), Action: action, Reason: reason}
}

func hold(c domain.HoldCode, detail string) domain.Hold {
	reason := domain.HoldCodes[c]
	if detail != "" {
		reason += ": " + detail
	}
	return domain.Hold{Code: c, Reason: reason}
}

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
	owner, err := s.Keys.Claim(ctx, t.ParticipantID+"|"+t.ProductID+"|"+string(t.Milestone), t.ID)
	if err != nil {
		return nil, err
	}
	in := domain.PrecheckInput{MilestoneOn: t.MilestoneOn, Today: s.today(), ContractStatusOnMilestone: status,
		PriceCents: t.PriceCents, MaxPriceCents: t.MaxPriceCents, Duplicate: owner != t.ID}
	if account != nil {
		in.IBAN, in.IBANConfirmed = account.IBAN, account.Confirmed()
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
	t.Status = domain.TrancheCancelled
	t.History = append(t.History, domain.TrancheChange{Status: t.Status, At: s.clock().UTC(), By: "system:" + milestoneActor, Reason: reason})
	o := change(milestoneActor, actionCancelled, reason)
	if !t.Committed {
		return s.step(ctx, t, o, nil)
	}
	return s.step(ctx, t, o, &domain.Booking{Move: domain.MoveRelease, Amount: t.AmountCents, Budget: t.BudgetID, Reason: reason})
}

// withdraw follows a milestone that no longer holds: before payment the tranche is
// reversed (its amount back to the budget), after payment it is claimed back from the
// provider (set off against its next payment).
func (s *Service) withdraw(ctx context.Context, t *domain.Tranche, reason string) error {
	switch t.Status {
	case domain.TrancheReversed, domain.TrancheClaimed, domain.TrancheCancelled, domain.TrancheExpected:
		return nil
	}
	owed := t.Owed && t.Status != domain.TranchePaid && t.Status != domain.TrancheExported
	status := t.Withdraw(reason, s.clock(), "system:"+milestoneActor)
	t.Holds = []domain.Hold{}
	o := change(milestoneActor, string(status), reason)
	if !owed {
		return s.step(ctx, t, o, nil)
	}
	return s.step(ctx, t, o, &domain.Booking{Move: domain.MoveReverse, Amount: t.AmountCents, Budget: t.BudgetID, Reason: reason})
}
