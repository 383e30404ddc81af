package app

import (
	"context"
	"strconv"
	"time"

	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// A budget's ledger is its commit log: every change of a budget keeps the postings it
// booked (domain.Posting) with it, and nothing else changes a budget's accounts.

// BudgetTransfer is one posting of a budget's ledger with the change that booked it.
type BudgetTransfer struct {
	domain.Posting
	Version int
	At      time.Time
	Actor   commit.Actor
	Action  string
}

// BudgetChange is one change of a budget: its version, who and what, and its postings.
type BudgetChange struct {
	Version  int
	At       time.Time
	Actor    commit.Actor
	Action   string
	Postings []domain.Posting
}

// BudgetTransfers pages a budget's transfers in the order they were booked, each with its
// cause (the tranche and move, or the grant and its reason), who booked it and when. The
// cursor is the version of the last page's last change.
func (s *Service) BudgetTransfers(ctx context.Context, id string, page paging.Request) (paging.Page[BudgetTransfer], error) {
	if _, err := s.budget(ctx, id); err != nil {
		return paging.Page[BudgetTransfer]{}, err
	}
	after := 0
	if page.After != "" {
		n, err := strconv.Atoi(page.After)
		if err != nil || n < 0 {
			return paging.Page[BudgetTransfer]{}, rules.BadQuery("after", "is not a cursor of this list")
		}
		after = n
	}
	limit := page.Limit
	if limit <= 0 {
		limit = paging.DefaultLimit
	}
	out := paging.Page[BudgetTransfer]{Items: []BudgetTransfer{}}
	for {
		changes, err := s.Repo.BudgetChanges(ctx, id, after, limit)
		if err != nil {
			return out, err
		}
		for _, c := range changes {
			after = c.Version
			for _, p := range c.Postings {
				out.Items = append(out.Items, BudgetTransfer{Posting: p, Version: c.Version, At: c.At, Actor: c.Actor, Action: c.Action})
			}
			if len(out.Items) >= limit {
				out.Next = strconv.Itoa(after) // a change is never split over pages
				return out, nil
			}
		}
		if len(changes) < limit {
			return out, nil
		}
	}
}

// LedgerCheck is a budget's balances as it keeps them and as its postings add up.
type LedgerCheck struct {
	BudgetID string
	Version  int
	Postings int
	Stored   domain.Balances
	Computed domain.Balances
	Balanced bool
}

// CheckLedger recomputes a budget's balances from every posting in its log up to the
// version it reads and compares them with the budget: a budget changed outside its ledger
// (a corrupted document, a write that booked without its postings) does not balance.
func (s *Service) CheckLedger(ctx context.Context, id string) (*LedgerCheck, error) {
	b, err := s.budget(ctx, id)
	if err != nil {
		return nil, err
	}
	var postings []domain.Posting
	after := 0
	for after < b.CurrentVersion() {
		changes, err := s.Repo.BudgetChanges(ctx, id, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(changes) == 0 {
			break
		}
		for _, c := range changes {
			if c.Version > b.CurrentVersion() {
				break
			}
			after = c.Version
			postings = append(postings, c.Postings...)
		}
	}
	out := &LedgerCheck{BudgetID: b.ID, Version: b.CurrentVersion(), Postings: len(postings), Stored: b.Balances(), Computed: domain.Recompute(postings)}
	out.Balanced = out.Stored == out.Computed
	return out, nil
}
