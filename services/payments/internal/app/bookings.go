package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/coalesce"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// step saves a tranche's change; when the change moves money it is done in three writes
// that are each safe to repeat: the tranche records the transfer it intends (naming it by
// its number), the budget books that transfer unless its history holds it, and the tranche
// records the outcome with its events. A crash between any two is finished by the next
// load of the tranche (finish), so the money moves exactly once and the tranche always
// learns whether it moved.
func (s *Service) step(ctx context.Context, t *domain.Tranche, c domain.PendingChange, b *domain.Booking) error {
	if b == nil {
		if t.Status == domain.TrancheHeld && len(t.Holds) == 0 {
			return errors.New("a held tranche without a reason") // a defect: never store it
		}
		return s.Repo.SaveTranche(ctx, t, commit.Outcome{Actor: c.Actor, Action: c.Action, Events: eventsFor(c, t)})
	}
	if b.By == "" {
		b.By = c.Actor.Subject
	}
	pending := *t
	pending.Intend(*b)
	pending.Pending = &c
	if err := s.Repo.SaveTranche(ctx, &pending, commit.Outcome{Actor: c.Actor, Action: "intend:" + string(b.Move)}); err != nil {
		return err
	}
	*t = pending
	return s.finish(ctx, t)
}

// loadTranche reads a tranche and first finishes a transfer a crash left unfinished, so
// every command works on a tranche that knows where its money is.
func (s *Service) loadTranche(ctx context.Context, id string) (*domain.Tranche, error) {
	t, err := s.Repo.LoadTranche(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Booking != nil {
		if err := s.finish(ctx, t); err != nil {
			return nil, err
		}
	}
	if err := s.applyPending(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// finish books a tranche's intended transfer (once) and records its outcome.
func (s *Service) finish(ctx context.Context, t *domain.Tranche) error {
	b := *t.Booking
	booked, err := s.transfer(ctx, t.ID, b)
	if err != nil {
		return err
	}
	c := domain.PendingChange{Actor: commit.System("ledger"), Action: "booked:" + string(b.Move)}
	if t.Pending != nil {
		c = *t.Pending
	}
	t.Booking, t.Pending = nil, nil
	if booked {
		switch b.Move {
		case domain.MoveCommit:
			t.Committed = true
		case domain.MoveDue, domain.MoveDueFree:
			t.Owed, t.Committed = true, false
		case domain.MoveRelease:
			t.Committed = false
		case domain.MoveReverse:
			t.Owed = false
		case domain.MovePay:
			t.Owed, t.PaidOut = false, true
		case domain.MoveReject:
			t.Owed, t.PaidOut = true, false
		case domain.MoveClaim:
			t.PaidOut = false
		case domain.MoveClaimDue:
			t.PaidOut, t.Owed, t.ReachedAgain = false, true, civil.Date{}
		}
		if b.Then != "" && b.Then != t.Status || b.Then == domain.TranchePayable {
			s.arrive(t, b.Then, b.By, b.Reason)
		}
	} else if b.Otherwise != "" {
		t.Holds = append(t.Holds, hold(domain.HoldBudgetInsufficient, "%s needed", domain.Euro(b.Amount)))
		s.arrive(t, b.Otherwise, b.By, t.Holds[0].Reason)
	}
	return s.Repo.SaveTranche(ctx, t, commit.Outcome{Actor: c.Actor, Action: c.Action, Events: eventsFor(c, t)})
}

// arrive moves a tranche to the status a booking led to.
func (s *Service) arrive(t *domain.Tranche, to domain.TrancheStatus, by, reason string) {
	if to == "" {
		return
	}
	if to == domain.TranchePayable && len(t.Holds) > 0 {
		to = domain.TrancheHeld
	}
	if to == domain.TrancheHeld && reason == "" && len(t.Holds) > 0 {
		reason = t.Holds[0].Reason
	}
	t.MoveTo(to, s.now(), by, reason)
}

// transfer books one move in a budget exactly once, and reports false when the budget had
// too little (nothing booked). Transfers asked for at the same time are booked together:
// one load of the budget, one lookup of which were booked before, one commit naming all
// that it books (the budget is every tranche's hot spot; one commit per transfer would
// serialise the whole region on it).
func (s *Service) transfer(ctx context.Context, trancheID string, b domain.Booking) (bool, error) {
	return s.ledger.book(ctx, s, transferRequest{name: b.Action(trancheID), tranche: trancheID, booking: b})
}

type transferRequest struct {
	name    string
	tranche string
	booking domain.Booking
}

type transferResult struct {
	booked bool
	err    error
}

// ledger books each budget's concurrent transfers together (kit/coalesce): one group per
// budget, so one budget's batch never waits for another's.
type ledger struct {
	mu     sync.Mutex
	groups map[string]*coalesce.Group[*transferRequest, transferResult]
}

func (l *ledger) book(ctx context.Context, s *Service, r transferRequest) (bool, error) {
	l.mu.Lock()
	if l.groups == nil {
		l.groups = map[string]*coalesce.Group[*transferRequest, transferResult]{}
	}
	budgetID := r.booking.Budget
	g := l.groups[budgetID]
	if g == nil {
		g = coalesce.New(func(ctx context.Context, batch []*transferRequest) (map[*transferRequest]transferResult, error) {
			return s.bookBatch(ctx, budgetID, batch)
		})
		l.groups[budgetID] = g
	}
	l.mu.Unlock()
	res, err := g.Do(ctx, &r)
	if err != nil {
		return false, err
	}
	return res.booked, res.err
}

// bookBatch books queued transfers of one budget in one commit, in their order; a transfer
// the budget cannot take is refused without stopping the others.
func (s *Service) bookBatch(ctx context.Context, budgetID string, batch []*transferRequest) (map[*transferRequest]transferResult, error) {
	results := make([]transferResult, len(batch))
	names := make([]string, len(batch))
	for i, q := range batch {
		names[i] = q.name
	}
	for attempt := 0; ; attempt++ {
		budget, err := s.Repo.LoadBudget(ctx, budgetID)
		if err != nil {
			return nil, err
		}
		booked, err := s.Repo.TransfersBooked(ctx, budgetID, names, budget.CurrentVersion())
		if err != nil {
			return nil, err
		}
		var causes []string
		var postings []domain.Posting
		for i, q := range batch {
			results[i] = transferResult{}
			if booked[q.name] {
				results[i].booked = true
				continue
			}
			var short *domain.ErrInsufficient
			posting, err := budget.Apply(q.booking.Move, q.booking.Amount, s.now())
			switch {
			case errors.As(err, &short) && (q.booking.Move == domain.MoveCommit || q.booking.Move == domain.MoveDueFree):
				// refused: not booked, and nothing else changes
			case err != nil:
				results[i].err = err // the ledger's invariant caught a defect: retried, then dead-lettered
			default:
				results[i].booked = true
				booked[q.name] = true
				causes = append(causes, q.name)
				posting.Transfer, posting.Tranche, posting.Reason = q.name, q.tranche, q.booking.Reason
				postings = append(postings, posting)
			}
		}
		if len(causes) == 0 {
			return byRequest(batch, results), nil
		}
		err = s.Repo.SaveBudget(ctx, budget, commit.Outcome{Actor: commit.System("ledger"), Action: fmt.Sprintf("%d transfers", len(causes)),
			Causes: causes, Detail: postings})
		if err == nil {
			return byRequest(batch, results), nil
		}
		if !errors.Is(err, rules.ErrConflict) || attempt > 200 {
			return nil, err
		}
		// another process booked in this budget meanwhile: reload and book again
		time.Sleep(time.Duration(rand.IntN(1+min(attempt, 20))) * time.Millisecond)
	}
}

func byRequest(batch []*transferRequest, results []transferResult) map[*transferRequest]transferResult {
	out := make(map[*transferRequest]transferResult, len(batch))
	for i, r := range batch {
		out[r] = results[i]
	}
	return out
}
