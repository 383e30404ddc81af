package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
	"github.com/werkregio/platform/services/payments/internal/sepa"
)

// RunInput asks for a payment run.
type RunInput struct {
	// UpTo: approved tranches whose milestone is on or before this day.
	UpTo civil.Date
	// ExecutionDate: the day the bank is asked to pay (default: the next day).
	ExecutionDate civil.Date
	// PerTranche overrides the region's setting: one transfer per tranche.
	PerTranche *bool
}

// CreateRun takes the approved tranches up to a day into a new run and prepares its file.
// A tranche is in one run at most (its status says so); the HTTP layer's idempotency key
// makes a retried request return the same run.
func (s *Service) CreateRun(ctx context.Context, p auth.Principal, in RunInput) (*domain.Run, error) {
	today := s.today()
	if in.ExecutionDate.IsZero() {
		in.ExecutionDate = civil.NextTARGET2Day(today.AddDays(1))
	}
	var v rules.Checker
	v.Check(!in.UpTo.IsZero() && !in.UpTo.After(today), "upTo", "must be a day up to today")
	v.Check(!in.ExecutionDate.Before(today), "executionDate", "must not lie in the past")
	v.Check(civil.TARGET2Day(in.ExecutionDate), "executionDate", "%s is not a TARGET2 business day (weekend or closing day); the next is %s",
		in.ExecutionDate, civil.NextTARGET2Day(in.ExecutionDate))
	if err := v.Err(); err != nil {
		return nil, err
	}
	perTranche := s.settings.PerTranche
	if in.PerTranche != nil {
		perTranche = *in.PerTranche
	}
	var r *domain.Run
	for attempt := 0; ; attempt++ {
		id := requestkey.NewIDOf(ctx, "run-", 6)
		if attempt > 0 {
			id = requestkey.NewIDOf(context.Background(), "run-", 6) // a random id taken by another run: draw again
		}
		now := s.now()
		r = &domain.Run{ID: id, Region: s.region, Status: domain.RunBuilding, UpTo: in.UpTo, ExecutionDate: in.ExecutionDate,
			PerTranche: perTranche, Format: s.settings.PainVersion, MessageID: domain.MessageID(s.region, id, now),
			DebtorIBAN: s.settings.Debtor.IBAN, ByProvider: []domain.RunProviderTotal{}, ByBudget: []domain.RunBudgetTotal{},
			CreatedAt: now.UTC(), CreatedBy: p.Subject}
		err := s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: p.Actor(), Action: "created"})
		if err == nil {
			break
		}
		made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Run, error) { return s.Repo.LoadRun(ctx, r.ID) })
		if ok && made.CreatedBy == p.Subject {
			r = made // building is safe to repeat: finish it, if it was not finished
			break
		}
		if !errors.Is(err, rules.ErrConflict) || attempt >= 3 {
			return nil, err
		}
	}
	if r.Status != domain.RunBuilding {
		return r, nil
	}
	if err := s.build(ctx, r, p.Actor()); err != nil {
		return nil, err
	}
	return s.Repo.LoadRun(ctx, r.ID)
}

// endToEnd names a transfer: the run and the provider (or the tranche), at most 35 characters.
func endToEnd(r *domain.Run, t *domain.Tranche) string {
	run := strings.ToUpper(strings.TrimPrefix(r.ID, "run-"))
	if r.PerTranche {
		h := sha256.Sum256([]byte(t.ID))
		return "R" + run + "-" + strings.ToUpper(hex.EncodeToString(h[:8]))
	}
	return "R" + run + "-" + t.ProviderKvK
}

// build takes the tranches into a run, then groups them into transfers; each step is safe
// to repeat, so a run a crash left building is finished by the next attempt (BuildPending).
func (s *Service) build(ctx context.Context, r *domain.Run, actor commit.Actor) error {
	var ids []string
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{Status: domain.TrancheApproved}, func(t *domain.Tranche) error {
		if !t.MilestoneOn.After(r.UpTo) {
			ids = append(ids, t.ID)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			t, err := s.loadTranche(ctx, id)
			if err != nil || t.Status != domain.TrancheApproved {
				return err // taken by another run, or changed: not in this one
			}
			if err := t.Export(r.ID, s.now(), actor.Subject); err != nil {
				return err
			}
			t.EndToEndID = endToEnd(r, t)
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionExported, Reason: r.ID}, nil)
		})
		if err != nil {
			return err
		}
	}
	return s.group(ctx, r, actor)
}

// group makes the run's transfers from its tranches: per provider (or per tranche), less
// the provider's open claims; a provider whose claims exceed what it is owed is left out
// of the run (its tranches return to approved) and its claims stay open.
func (s *Service) group(ctx context.Context, r *domain.Run, actor commit.Actor) error {
	byTransfer := map[string]*domain.RunTransfer{}
	shares := map[string]trancheShare{} // each tranche's budget and amount, for the run's totals
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{RunID: r.ID, Status: domain.TrancheExported}, func(t *domain.Tranche) error {
		tr := byTransfer[t.EndToEndID]
		if tr == nil {
			tr = &domain.RunTransfer{RunID: r.ID, EndToEndID: t.EndToEndID, ProviderKvK: t.ProviderKvK, Status: "exported"}
			byTransfer[t.EndToEndID] = tr
		}
		tr.AmountCents += t.AmountCents
		tr.Tranches = append(tr.Tranches, t.ID)
		shares[t.ID] = trancheShare{budget: t.BudgetID, amount: t.AmountCents}
		return nil
	}); err != nil {
		return err
	}
	totals, setOffOf := newRunTotals(), map[string]domain.Cents{}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range byTransfer {
			if !yield(k) {
				return
			}
		}
	})
	claimsOf := map[string][]*domain.Tranche{}
	var transfers []domain.RunTransfer
	for _, k := range keys {
		tr := byTransfer[k]
		sort.Strings(tr.Tranches)
		// the account first: a transfer left out must not hold claims set off against it
		account, err := s.Accounts.Load(ctx, tr.ProviderKvK)
		if err != nil && !notFound(err) {
			return err
		}
		if !account.Confirmed() {
			// the account changed after approval: the tranches wait for its confirmation
			if err := s.returnTranches(ctx, r, tr.Tranches, actor, "the provider's bank account is not confirmed"); err != nil {
				return err
			}
			continue
		}
		if !r.PerTranche {
			claims, ok := claimsOf[tr.ProviderKvK]
			if !ok {
				var err error
				if claims, err = s.openClaims(ctx, tr.ProviderKvK, r.ID); err != nil {
					return err
				}
				claimsOf[tr.ProviderKvK] = claims
			}
			var setOff domain.Cents
			for _, c := range claims {
				setOff += c.AmountCents
				tr.Claims = append(tr.Claims, c.ID)
			}
			if setOff >= tr.AmountCents {
				if err := s.returnTranches(ctx, r, tr.Tranches, actor, "claims of "+domain.Euro(setOff)+" exceed what is owed"); err != nil {
					return err
				}
				continue
			}
			if err := s.setOff(ctx, claims, r.ID, actor); err != nil {
				return err
			}
			tr.AmountCents -= setOff
			r.SetOffCents += setOff
			setOffOf[tr.EndToEndID] = setOff
			for _, c := range claims {
				totals.setOff(c.BudgetID, c.AmountCents)
			}
		}
		tr.Creditor, tr.CreditorIBAN, tr.CreditorBIC, tr.CreditorAddress = account.AccountHolder, account.IBAN, account.BIC, account.Address
		tr.Seq = len(transfers) + 1
		tr.Remittance = remittance(tr)
		transfers = append(transfers, *tr)
		totals.transfer(tr, setOffOf[tr.EndToEndID], shares)
		r.Transfers++
		r.Tranches += len(tr.Tranches)
		r.TotalCents += tr.AmountCents
	}
	for i := 0; i < len(transfers); i += 1000 {
		if err := s.Transfers.Add(ctx, transfers[i:min(i+1000, len(transfers))]); err != nil {
			return err
		}
	}
	r.ByProvider, r.ByBudget = totals.lists()
	r.Built()
	return s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: actor, Action: "built"})
}

// remittance is what the provider reconciles by: the tranches (enrolment and milestone).
func remittance(tr *domain.RunTransfer) string {
	parts := make([]string, 0, len(tr.Tranches))
	for _, id := range tr.Tranches {
		parts = append(parts, strings.TrimPrefix(id, "trn-"))
	}
	s := "werkregio " + strings.Join(parts, " ")
	if len(tr.Claims) > 0 {
		s += " less claims"
	}
	if len(s) > 140 {
		s = fmt.Sprintf("werkregio %d tranches, see statement %s", len(tr.Tranches), tr.EndToEndID)
	}
	return s
}

func (s *Service) openClaims(ctx context.Context, kvk, runID string) ([]*domain.Tranche, error) {
	var out []*domain.Tranche
	err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{ProviderKvK: kvk, OpenClaims: true}, func(t *domain.Tranche) error {
		if (t.SettledIn == "" || t.SettledIn == runID) && t.PaidOut && t.Repayment == nil {
			c := *t
			out = append(out, &c)
		}
		return nil
	})
	return out, err
}

func (s *Service) returnTranches(ctx context.Context, r *domain.Run, ids []string, actor commit.Actor, reason string) error {
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			t, err := s.loadTranche(ctx, id)
			if err != nil {
				return err
			}
			if !t.Unexport(r.ID, s.now(), actor.Subject) {
				return nil
			}
			t.EndToEndID = ""
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionReturned, Reason: reason}, nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// BuildPending finishes runs a crash left building (a scheduled job).
func (s *Service) BuildPending(ctx context.Context) error {
	return s.Repo.EachRun(ctx, s.region, domain.RunBuilding, func(r *domain.Run) error {
		if s.now().Sub(r.CreatedAt) < runBuildGrace {
			return nil // probably still being built by its request
		}
		return s.build(ctx, r, commit.System("run-builder"))
	})
}

// runBuildGrace is how long a run may be building before a job takes it for one a crash
// left behind: longer than a request may run.
const runBuildGrace = 2 * time.Minute

// setOff reserves claims for a run's transfer (or, with run "", frees them again): a claim
// is set off in one run at a time, and settled when that transfer is paid.
func (s *Service) setOff(ctx context.Context, claims []*domain.Tranche, runID string, actor commit.Actor) error {
	for _, c := range claims {
		err := optimistic.Retry(ctx, func() error {
			t, err := s.loadTranche(ctx, c.ID)
			if err != nil {
				return err
			}
			if t.Status != domain.TrancheClaimed || !t.PaidOut || t.Repayment != nil || t.SettledIn == runID || runID != "" && t.SettledIn != "" {
				return nil
			}
			t.SettledIn = runID
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: "claim-set-off", Reason: runID}, nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// freeClaims makes claims a run had set off open again (the run was cancelled, or the
// transfer rejected).
func (s *Service) freeClaims(ctx context.Context, ids []string, runID string, actor commit.Actor) error {
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			t, err := s.loadTranche(ctx, id)
			if err != nil || t.SettledIn != runID || !t.PaidOut {
				return err
			}
			t.SettledIn = ""
			if on := t.ReachedAgain; !on.IsZero() {
				// nothing was recovered and the milestone was reached again: the payment stands
				s.dropClaim(t, on, actor.Subject)
				if err := s.step(ctx, t, domain.PendingChange{Actor: actor, Action: actionClaimDropped, Reason: runID}, nil); err != nil {
					return err
				}
				return s.applyPending(ctx, t)
			}
			return s.step(ctx, t, domain.PendingChange{Actor: actor, Action: "claim-open", Reason: runID}, nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// GetRun is one run.
func (s *Service) GetRun(ctx context.Context, id string) (*domain.Run, error) {
	r, err := s.Repo.LoadRun(ctx, id)
	if err == nil && r.Region != s.region {
		return nil, rules.ErrNotFound
	}
	return r, err
}

// ListRuns pages the region's runs, of one status if given.
func (s *Service) ListRuns(ctx context.Context, status domain.RunStatus, page paging.Request) (paging.Page[domain.Run], error) {
	return s.Repo.ListRuns(ctx, s.region, status, page)
}

// WriteFile streams a run's SEPA credit-transfer file: the same bytes every time.
func (s *Service) WriteFile(ctx context.Context, id string, w io.Writer) error {
	r, err := s.GetRun(ctx, id)
	if err != nil {
		return err
	}
	if !r.Released() {
		return rules.State("run %s is %s; its file is released once a second finance officer approved the run, and not after it was cancelled", id, r.Status)
	}
	d := s.settings.Debtor
	if r.DebtorIBAN != "" {
		d.IBAN = r.DebtorIBAN
	}
	h := sepa.Header{Version: r.Format, MessageID: r.MessageID, Created: r.CreatedAt, Initiator: d.Name, PaymentInfoID: r.MessageID,
		ExecutionDate: r.ExecutionDate.String(), Debtor: d.Name, DebtorAddress: address(d.Address), DebtorIBAN: d.IBAN, DebtorBIC: d.BIC,
		Count: r.Transfers, TotalCents: r.TotalCents}
	return sepa.WritePain001(w, h, func(yield func(sepa.Transfer, error) bool) {
		for t, err := range s.Transfers.Each(ctx, id) {
			if !yield(sepa.Transfer{EndToEndID: t.EndToEndID, AmountCents: t.AmountCents, Creditor: t.Creditor,
				CreditorAddress: address(t.CreditorAddress), CreditorIBAN: t.CreditorIBAN, CreditorBIC: t.CreditorBIC, Remittance: t.Remittance}, err) {
				return
			}
		}
	})
}

func address(a domain.PostalAddress) *sepa.Address {
	return &sepa.Address{Street: a.Street, BuildingNumber: a.BuildingNumber, PostCode: a.PostCode, Town: a.Town, Country: a.Country}
}

// RunTransfers is a page of a run's transfers in file order (for finance's review before
// sending); the cursor is the last transfer's sequence number.
func (s *Service) RunTransfers(ctx context.Context, id string, page paging.Request) (paging.Page[domain.RunTransfer], error) {
	if _, err := s.GetRun(ctx, id); err != nil {
		return paging.Page[domain.RunTransfer]{}, err
	}
	after := 0
	if page.After != "" {
		n, err := strconv.Atoi(page.After)
		if err != nil || n < 0 {
			return paging.Page[domain.RunTransfer]{}, rules.BadQuery("after", "is not a cursor of this list")
		}
		after = n
	}
	limit := page.Limit
	if limit <= 0 {
		limit = paging.DefaultLimit
	}
	items, err := s.Transfers.Page(ctx, id, after, limit+1)
	if err != nil {
		return paging.Page[domain.RunTransfer]{}, err
	}
	out := paging.Page[domain.RunTransfer]{Items: items}
	if len(items) > limit {
		out.Items = items[:limit]
		out.Next = strconv.Itoa(items[limit-1].Seq)
	}
	return out, nil
}

// CancelRun returns a run's tranches to approved: allowed until it was sent.
func (s *Service) CancelRun(ctx context.Context, p auth.Principal, id, reason string) (*domain.Run, error) {
	var r *domain.Run
	err := optimistic.Retry(ctx, func() error {
		var err error
		if r, err = s.GetRun(ctx, id); err != nil {
			return err
		}
		if err := r.Cancel(reason); err != nil {
			return err
		}
		return s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: p.Actor(), Action: "cancelled: " + reason})
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{RunID: id, Status: domain.TrancheExported}, func(t *domain.Tranche) error {
		ids = append(ids, t.ID)
		return nil
	}); err != nil {
		return r, err
	}
	for t, err := range s.Transfers.Each(ctx, id) {
		if err != nil {
			return r, err
		}
		if err := s.freeClaims(ctx, t.Claims, id, p.Actor()); err != nil {
			return r, err
		}
	}
	return r, s.returnTranches(ctx, r, ids, p.Actor(), "run cancelled: "+reason)
}

// ApproveRun is the second finance officer's approval of a built run (not the officer who
// built it): only then is its file released.
func (s *Service) ApproveRun(ctx context.Context, p auth.Principal, id string) (*domain.Run, error) {
	var r *domain.Run
	err := optimistic.Retry(ctx, func() error {
		var err error
		if r, err = s.GetRun(ctx, id); err != nil {
			return err
		}
		if r.Status == domain.RunApproved && r.ApprovedBy == p.Subject {
			return nil
		}
		if err := r.Approve(p.Subject, s.now()); err != nil {
			return err
		}
		return s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: p.Actor(), Action: "approved"})
	})
	return r, err
}

// MarkSent records that finance sent the file to the bank: from then on it cannot be cancelled.
func (s *Service) MarkSent(ctx context.Context, p auth.Principal, id string) (*domain.Run, error) {
	var r *domain.Run
	err := optimistic.Retry(ctx, func() error {
		var err error
		if r, err = s.GetRun(ctx, id); err != nil {
			return err
		}
		if r.Status == domain.RunSent {
			return nil
		}
		if err := r.MarkSent(); err != nil {
			return err
		}
		return s.Repo.SaveRun(ctx, r, commit.Outcome{Actor: p.Actor(), Action: "sent"})
	})
	return r, err
}
