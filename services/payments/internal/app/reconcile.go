package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
	"github.com/werkregio/platform/services/payments/internal/sepa"
)

// Reconciliation is what an imported bank file did.
type Reconciliation struct {
	Kind      string
	Paid      int
	Rejected  int
	Unchanged int // outcomes recorded before (the same file imported again)
	// Exceptions are the lines not applied, each with its reason, for finance (the first
	// 100; ExceptionCount counts all).
	Exceptions     []domain.BankException
	ExceptionCount int
}

// Reconcile imports the bank's status report (pain.002) or account statement (camt.053 /
// camt.054). A line is applied only when it matches a transfer on its reference
// (EndToEndId, and for a status report the message and payment it answers), its amount and
// the debtor's account; a whole payment or message settled at once must state the run's
// count and sum. Everything else becomes an exception for finance and moves no money.
// Statuses are read at every level: a rejected message or payment rejects all its
// transfers, a partly accepted one is applied per transfer. Importing the same file again
// changes nothing.
func (s *Service) Reconcile(ctx context.Context, p auth.Principal, doc []byte) (*Reconciliation, error) {
	rep, err := sepa.ReadReport(doc)
	if err != nil {
		return nil, rules.Invalid("document", "is not a bank report this platform reads: %s", err.Error())
	}
	r := &reconciler{s: s, p: p, kind: rep.Kind, out: &Reconciliation{Kind: rep.Kind, Exceptions: []domain.BankException{}}}
	for o, err := range rep.Outcomes() {
		if err != nil {
			return r.out, rules.Invalid("document", "is not a bank report this platform reads: %s", err.Error())
		}
		if o.Level == sepa.LevelTransaction {
			err = r.transaction(ctx, o)
		} else {
			err = r.whole(ctx, o)
		}
		if err != nil {
			return r.out, err
		}
	}
	return r.out, s.tellRejections(ctx, doc, r.out)
}

// reconciler applies one bank file's lines.
type reconciler struct {
	s    *Service
	p    auth.Principal
	kind string
	out  *Reconciliation
}

// transaction matches one transfer's line and applies it.
func (r *reconciler) transaction(ctx context.Context, o sepa.Outcome) error {
	tr, err := r.s.Transfers.Find(ctx, o.EndToEndID)
	if notFound(err) {
		return r.exception(ctx, domain.ExceptionUnknownReference, o, o.EndToEndID, nil, nil)
	}
	if err != nil {
		return err
	}
	run, err := r.s.Repo.LoadRun(ctx, tr.RunID)
	if err != nil {
		return err
	}
	if code := r.mismatch(o, tr, run); code != "" {
		return r.exception(ctx, code, o, o.EndToEndID, tr, run)
	}
	return r.apply(ctx, tr, o.Paid, o.Reason)
}

// mismatch is why a line does not match its transfer, or "" when it does.
func (r *reconciler) mismatch(o sepa.Outcome, tr *domain.RunTransfer, run *domain.Run) domain.ExceptionCode {
	debtor := r.s.debtorOf(run)
	switch {
	case run.Region != r.s.region:
		return domain.ExceptionUnknownReference
	case !run.Released():
		return domain.ExceptionNotReleased
	case o.MessageID != "" && o.MessageID != run.MessageID, o.PaymentInfoID != "" && o.PaymentInfoID != run.MessageID:
		return domain.ExceptionOtherMessage
	case o.HasAmount && (o.AmountCents != tr.AmountCents || o.Currency != "" && o.Currency != "EUR"):
		return domain.ExceptionAmountDiffers
	case !o.HasAmount && o.Paid:
		return domain.ExceptionAmountMissing
	case o.DebtorIBAN != "" && o.DebtorIBAN != debtor:
		return domain.ExceptionAccountDiffers
	case r.kind != "pain.002" && o.Paid && o.StatementOf == "":
		return domain.ExceptionAccountDiffers // a statement that names no IBAN is of no account we know
	case o.Paid && tr.Status == "rejected":
		return domain.ExceptionContradicts
	}
	return ""
}

// whole applies a status the bank gave a whole payment or message: a rejection rejects
// every transfer of the run; settled, the bank's count and sum must be the run's.
func (r *reconciler) whole(ctx context.Context, o sepa.Outcome) error {
	ref := o.PaymentInfoID
	if ref == "" {
		ref = o.MessageID
	}
	run, err := r.s.Repo.RunByMessage(ctx, r.s.region, ref)
	if notFound(err) {
		return r.exception(ctx, domain.ExceptionUnknownReference, o, ref, nil, nil)
	}
	if err != nil {
		return err
	}
	switch {
	case !run.Released():
		return r.exception(ctx, domain.ExceptionNotReleased, o, ref, nil, run)
	case o.MessageID != "" && o.MessageID != run.MessageID:
		return r.exception(ctx, domain.ExceptionOtherMessage, o, ref, nil, run)
	case o.Paid && (!o.HasTotals || o.Count != run.Transfers || o.TotalCents != run.TotalCents):
		return r.exception(ctx, domain.ExceptionTotalsDiffer, o, ref, nil, run)
	}
	for tr, err := range r.s.Transfers.Each(ctx, run.ID) {
		if err != nil {
			return err
		}
		if o.Paid && tr.Status == "rejected" {
			continue // rejected on its own line: the whole is settled apart from it
		}
		if err := r.apply(ctx, &tr, o.Paid, o.Reason); err != nil {
			return err
		}
	}
	return nil
}

// apply records the bank's outcome of one matched transfer on its tranches and claims.
func (r *reconciler) apply(ctx context.Context, tr *domain.RunTransfer, paid bool, reason string) error {
	s, p, out := r.s, r.p, r.out
	status := "paid"
	if !paid {
		status = "rejected"
		if strings.TrimSpace(reason) == "" {
			reason = "the bank gave no reason"
		}
	}
	if tr.Status == status {
		out.Unchanged++
		return nil
	}
	if _, err := s.MarkSent(ctx, p, tr.RunID); err != nil {
		return err
	}
	o := sepa.Outcome{EndToEndID: tr.EndToEndID, Paid: paid, Rejected: !paid, Reason: reason}
	for _, id := range tr.Tranches {
		if err := s.settle(ctx, id, tr, o, p.Actor()); err != nil {
			return err
		}
	}
	if paid {
		for _, id := range tr.Claims {
			if err := s.settleClaim(ctx, id, tr.RunID, p.Actor()); err != nil {
				return err
			}
		}
	} else if err := s.freeClaims(ctx, tr.Claims, tr.RunID, p.Actor()); err != nil {
		return err
	}
	if err := s.Transfers.SetStatus(ctx, tr.EndToEndID, status, reason); err != nil {
		return err
	}
	if paid {
		out.Paid++
	} else {
		out.Rejected++
	}
	return s.countOutcome(ctx, tr.RunID, paid)
}

// exception records a line that was not applied (once: the same line of the same file
// finds its exception again) and lists it in the answer.
func (r *reconciler) exception(ctx context.Context, code domain.ExceptionCode, o sepa.Outcome, ref string, tr *domain.RunTransfer, run *domain.Run) error {
	sum := sha256.Sum256([]byte(string(code) + "\x00" + ref + "\x00" + o.Line))
	e := &domain.BankException{ID: "exc-" + hex.EncodeToString(sum[:10]), Region: r.s.region, Code: code, Reason: domain.ExceptionReasons[code],
		File: r.kind, Line: o.Line, Reference: ref, BankStatus: "rejected", BankCurrency: o.Currency, BankDebtorIBAN: o.DebtorIBAN,
		Status: "open", FoundAt: r.s.now().UTC()}
	if o.Paid {
		e.BankStatus = "paid"
	}
	if o.HasAmount {
		e.BankAmountCents = &o.AmountCents
	} else if o.HasTotals {
		e.BankAmountCents = &o.TotalCents
	}
	if run != nil {
		e.RunID, e.DebtorIBAN = run.ID, r.s.debtorOf(run)
		if tr == nil {
			e.AmountCents = &run.TotalCents
		}
	}
	if tr != nil {
		e.EndToEndID, e.ProviderKvK, e.AmountCents = tr.EndToEndID, tr.ProviderKvK, &tr.AmountCents
	}
	switch code {
	case domain.ExceptionAmountDiffers:
		e.Reason += fmt.Sprintf(": the bank states %s %s, the transfer is %s", o.Currency, sepa.Cents(o.AmountCents), domain.Euro(*e.AmountCents))
	case domain.ExceptionAccountDiffers:
		e.Reason += fmt.Sprintf(": the bank names %q, the run pays from %s", o.DebtorIBAN, e.DebtorIBAN)
	case domain.ExceptionTotalsDiffer:
		e.Reason += fmt.Sprintf(": the bank states %d transfers of %s, the run has %d of %s", o.Count, sepa.Cents(o.TotalCents), run.Transfers, sepa.Cents(run.TotalCents))
	}
	err := r.s.Repo.SaveException(ctx, e, commit.Outcome{Actor: r.p.Actor(), Action: "found: " + string(code)})
	if errors.Is(err, rules.ErrConflict) {
		if e, err = r.s.Repo.LoadException(ctx, e.ID); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	r.out.ExceptionCount++
	if len(r.out.Exceptions) < 100 {
		r.out.Exceptions = append(r.out.Exceptions, *e)
	}
	return nil
}

// debtorOf is the account a run pays from.
func (s *Service) debtorOf(run *domain.Run) string {
	if run.DebtorIBAN != "" {
		return run.DebtorIBAN
	}
	return s.settings.Debtor.IBAN
}

// ListExceptions pages the bank answers that were not applied, open or resolved.
func (s *Service) ListExceptions(ctx context.Context, status string, page paging.Request) (paging.Page[domain.BankException], error) {
	return s.Repo.ListExceptions(ctx, s.region, status, page)
}

// GetException is one bank answer that was not applied.
func (s *Service) GetException(ctx context.Context, id string) (*domain.BankException, error) {
	e, err := s.Repo.LoadException(ctx, id)
	if err == nil && e.Region != s.region {
		return nil, rules.ErrNotFound
	}
	return e, err
}

// ResolveException records how finance settled an exception, with the reason (audited).
func (s *Service) ResolveException(ctx context.Context, p auth.Principal, id, reason string) (*domain.BankException, error) {
	var e *domain.BankException
	err := optimistic.Retry(ctx, func() error {
		var err error
		if e, err = s.Repo.LoadException(ctx, id); err != nil {
			return err
		}
		if e.Region != s.region {
			return rules.ErrNotFound
		}
		if err := e.Resolve(reason, p.Subject, s.now()); err != nil {
			return err
		}
		return s.Repo.SaveException(ctx, e, commit.Outcome{Actor: p.Actor(), Action: "resolved"})
	})
	return e, err
}

func (s *Service) countOutcome(ctx context.Context, runID string, paid bool) error {
	return optimistic.Retry(ctx, func() error {
		r, err := s.Repo.LoadRun(ctx, runID)
		if err != nil {
			return err
		}
		if paid {
			r.Paid++
		} else {
			r.Rejected++
		}
		return s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: commit.System("reconciliation"), Action: "outcome"})
	})
}

// settle records the bank's outcome on one tranche of a transfer: paid (due → paid in the
// budget), or rejected (held with the bank's reason until a new account or finance
// releases it; after a payment was returned, paid → due).
func (s *Service) settle(ctx context.Context, id string, tr *domain.RunTransfer, o sepa.Outcome, actor commit.Actor) error {
	err := optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		if t.RunID != tr.RunID {
			return nil // settled before, or taken out of the run
		}
		now := s.now()
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
			t.Holds = []domain.Hold{hold(domain.HoldBankRejected, "the bank answered: %s", o.Reason)}
			t.Overridden = removeCode(t.Overridden, domain.HoldBankRejected)
			s.arrive(t, domain.TrancheHeld, actor.Subject, "")
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionRejected, Reason: o.Reason}, nil)
		case o.Rejected && t.Status == domain.TranchePaid:
			// a payment returned after it was booked paid
			t.RunID, t.EndToEndID, t.Approvals = "", "", []domain.Approval{}
			t.Holds = []domain.Hold{hold(domain.HoldBankRejected, "the bank answered: %s", o.Reason)}
			t.Overridden = removeCode(t.Overridden, domain.HoldBankRejected)
			s.arrive(t, domain.TrancheHeld, actor.Subject, "")
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionRejected, Reason: o.Reason},
				&domain.Booking{Move: domain.MoveReject, Amount: t.AmountCents, Budget: t.BudgetID})
		case o.Rejected && claimed && !t.PaidOut && t.Owed:
			// withdrawn while in the run and not paid after all: simply reversed
			t.MarkReversed()
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionReversed, Reason: "the bank did not pay it"},
				&domain.Booking{Move: domain.MoveReverse, Amount: t.AmountCents, Budget: t.BudgetID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// a correction that waited for the bank's answer applies now (loading applies it)
	_, err = s.loadTranche(ctx, id)
	return err
}

// settleClaim books a claim set off in a paid transfer: the money returns to its budget.
func (s *Service) settleClaim(ctx context.Context, id, runID string, actor commit.Actor) error {
	return optimistic.Retry(ctx, func() error {
		t, err := s.loadTranche(ctx, id)
		if err != nil {
			return err
		}
		if t.SettledIn != runID || !t.PaidOut {
			return nil
		}
		if !t.ReachedAgain.IsZero() {
			// recovered, and earned again meanwhile: due again in the same transfer
			return s.reachRecovered(ctx, t, actor, runID)
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

// reachRecovered makes a claimed tranche whose claim a paid transfer recovered, and whose
// milestone was reached again meanwhile, due again: checked, then one transfer paid → due.
func (s *Service) reachRecovered(ctx context.Context, t *domain.Tranche, actor commit.Actor, runID string) error {
	t.MilestoneOn, t.ExpectedOn, t.SettledIn = t.ReachedAgain, t.ReachedAgain, ""
	t.Approvals = []domain.Approval{}
	holds, err := s.precheck(ctx, t)
	if err != nil {
		return err
	}
	t.Holds = holds
	then := domain.TranchePayable
	if len(holds) > 0 {
		then = domain.TrancheHeld
	}
	if err := s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionDue, Reason: "claim recovered in " + runID + "; the milestone was reached again"},
		&domain.Booking{Move: domain.MoveClaimDue, Amount: t.AmountCents, Budget: t.BudgetID, Then: then, Reason: "due again"}); err != nil {
		return err
	}
	return s.applyPending(ctx, t)
}
