package adapters

import (
	"context"
	"sync"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

// groupCommit saves the tranches asked for at the same time together: the milestone
// consumer handles many enrolments at once, and one InsertMany of their commits and one
// bulk write of their views cost about what a single save does. Whoever finds no save
// under way writes what is queued, then what was queued meanwhile, until none is left;
// each caller learns its own outcome (a conflict is its alone).
type groupCommit struct {
	agg     *store.Aggregates
	mu      sync.Mutex
	busy    bool
	pending []queuedSave
}

type queuedSave struct {
	saved store.Saved
	done  chan error
}

func (g *groupCommit) save(ctx context.Context, s store.Saved) error {
	// a request's conditional change (If-Match) is saved alone, as the request expects
	if pre, ok := rules.IfMatch(ctx); ok && pre.Pending() {
		return g.agg.Save(ctx, s)
	}
	s.Context = ctx
	done := make(chan error, 1)
	g.mu.Lock()
	g.pending = append(g.pending, queuedSave{s, done})
	leader := !g.busy
	g.busy = true
	g.mu.Unlock()
	if leader {
		for {
			g.mu.Lock()
			batch := g.pending
			g.pending = nil
			if len(batch) == 0 {
				g.busy = false
				g.mu.Unlock()
				break
			}
			g.mu.Unlock()
			saves := make([]store.Saved, len(batch))
			for i, q := range batch {
				saves[i] = q.saved
			}
			conflicts, err := g.agg.SaveMany(context.WithoutCancel(ctx), saves)
			for i, q := range batch {
				if err != nil {
					q.done <- err
				} else {
					q.done <- conflicts[i]
				}
			}
		}
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
