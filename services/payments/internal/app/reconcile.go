package app

import (
	"context"
	"io"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
	"github.com/werkregio/platform/services/payments/internal/sepa"
)

// Reconciliation is what an imported bank file did.
type Reconciliation struct {
	Kind     string `json:"kind"`
	Paid     int    `json:"paid"`
	Rejected int    `json:"rejected"`
	// Unknown: transfers the file names that no run of this region holds.
	Unknown []string `json:"unknown"`
	// Unchanged: outcomes already recorded (the same file imported again).
	Unchanged int `json:"unchanged"`
}

// Reconcile imports the bank's status report (pain.002) or account statement (camt.053 /
// camt.054): each transfer, matched by its EndToEndId, is paid or rejected with the bank's
// reason. Importing the same file again changes nothing.
func (s *Service) Reconcile(ctx context.Context, p auth.Principal, file io.Reader) (*Reconciliation, error) {
	rep, err := sepa.ReadReport(file)
	if err != nil {
		return nil, rules.Invalid("file", "%s", err.Error())
	}
	out := &Reconciliation{Kind: rep.Kind, Unknown: []string{}}
	apply := func(o sepa.Outcome) error {
		tr, err := s.Transfers.Find(ctx, o.EndToEndID)
		if notFound(err) {
			if len(out.Unknown) < 100 {
				out.Unknown = append(out.Unknown, o.EndToEndID)
			}
			return nil
		}
		if err != nil {
			return err
		}
		status := "paid"
		if o.Rejected {
			status = "rejected"
		}
		if tr.Status == status {
			out.Unchanged++
			return nil
		}
		if _, err := s.MarkSent(ctx, p, tr.RunID); err != nil {
			return err
		}
		for _, id := range tr.Tranches {
			if err := s.settle(ctx, id, tr, o, p.Actor()); err != nil {
				return err
			}
		}
		if o.Paid {
			for _, id := range tr.Claims {
				if err := s.settleClaim(ctx, id, tr.RunID, p.Actor()); err != nil {
					return err
				}
			}
		} else if err := s.freeClaims(ctx, tr.Claims, tr.RunID, p.Actor()); err != nil {
			return err
		}
		if err := s.Transfers.SetStatus(ctx, o.EndToEndID, status, o.Reason); err != nil {
			return err
		}
		if o.Paid {
			out.Paid++
		} else {
			out.Rejected++
		}
		return s.countOutcome(ctx, tr.RunID, o.Paid)
	}
	if rep.GroupRejected {
		// the whole message was refused: every transfer of its run is rejected
		r, err := s.runByMessage(ctx, rep.OriginalMsgID)
		if err != nil {
			return nil, err
		}
		for tr, err := range s.Transfers.Each(ctx, r.ID) {
			if err != nil {
				return nil, err
			}
			if err := apply(sepa.Outcome{EndToEndID: tr.EndToEndID, Rejected: true, Reason: rep.GroupReason}); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for o, err := range rep.Outcomes() {
		if err != nil {
			return out, rules.Invalid("file", "%s", err.Error())
		}
		if err := apply(o); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Service) runByMessage(ctx context.Context, msgID string) (*domain.Run, error) {
	r, err := s.Repo.RunByMessage(ctx, s.region, msgID)
	if notFound(err) {
		return nil, rules.Invalid("file", "no run of this region has message id %s", msgID)
	}
	return r, err
}

func (s *Service) countOutcome(ctx context.Context, runID string, paid bool) error {
	return rules.Retry(ctx, func() error {
		r, err := s.Repo.LoadRun(ctx, runID)
		if err != nil {
			return err
		}
		if paid {
			r.Paid++
		} else {
			r.Rejected++
		}
		return s.Repo.SaveRun(ctx, r, rules.Outcome{Actor: rules.System("reconciliation"), Action: "outcome"})
	})
}

// settle records the bank's outcome on one tranche of a transfer: paid (due → paid in the
// budget), or rejected (held with the bank's reason until a new account or finance
// releases it; after a payment was returned, paid → due).
func (s *Service) settle(ctx context.Context, id string, tr *domain.RunTransfer, o sepa.Outcome, actor rules.Actor) error {
	return rules.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		if t.RunID != tr.RunID {
			return nil // settled before, or taken out of the run
		}
		now := s.clock()
		claimed := t.Status == domain.TrancheClaimed
		switch {
		case o.Paid && t.Status == domain.TrancheExported:
			if err := t.Settle(true, "", now, actor.Subject); err != nil {
				return err
			}
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionPaid}, &domain.Booking{Move: domain.MovePay, Amount: t.AmountCents, Budget: t.BudgetID})
		case o.Paid && claimed && !t.PaidOut:
			// withdrawn while in the run, then paid: now a claim on the provider
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: "paid-claimed"}, &domain.Booking{Move: domain.MovePay, Amount: t.AmountCents, Budget: t.BudgetID})
		case o.Rejected && t.Status == domain.TrancheExported:
			if err := t.Settle(false, o.Reason, now, actor.Subject); err != nil {
				return err
			}
			t.EndToEndID = ""
			t.Holds = []domain.Hold{hold(domain.HoldBankRejected, o.Reason)}
			t.Overridden = removeCode(t.Overridden, domain.HoldBankRejected)
			s.arrive(t, domain.TrancheHeld, actor.Subject, "")
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionRejected, Reason: o.Reason}, nil)
		case o.Rejected && t.Status == domain.TranchePaid:
			// a payment returned after it was booked paid
			t.RunID, t.EndToEndID, t.Approvals = "", "", []domain.Approval{}
			t.Holds = []domain.Hold{hold(domain.HoldBankRejected, o.Reason)}
			t.Overridden = removeCode(t.Overridden, domain.HoldBankRejected)
			s.arrive(t, domain.TrancheHeld, actor.Subject, "")
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionRejected, Reason: o.Reason},
				&domain.Booking{Move: domain.MoveReject, Amount: t.AmountCents, Budget: t.BudgetID})
		case o.Rejected && claimed && !t.PaidOut && t.Owed:
			// withdrawn while in the run and not paid after all: simply reversed
			t.Status = domain.TrancheReversed
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionReversed, Reason: "the bank did not pay it"},
				&domain.Booking{Move: domain.MoveReverse, Amount: t.AmountCents, Budget: t.BudgetID})
		}
		return nil
	})
}

// settleClaim books a claim set off in a paid transfer: the money returns to its budget.
func (s *Service) settleClaim(ctx context.Context, id, runID string, actor rules.Actor) error {
	return rules.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		if t.SettledIn != runID || !t.PaidOut {
			return nil
		}
		return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionSettled, Reason: runID},
			&domain.Booking{Move: domain.MoveClaim, Amount: t.AmountCents, Budget: t.BudgetID})
	})
}

func removeCode(codes []domain.HoldCode, c domain.HoldCode) []domain.HoldCode {
	out := codes[:0:0]
	for _, x := range codes {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}
