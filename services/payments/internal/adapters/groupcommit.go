package adapters

import (
	"context"

	"github.com/werkregio/platform/services/kit/coalesce"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/store"
)

// groupCommit saves the tranches asked for at the same time together: the milestone
// consumer handles many enrolments at once, and one InsertMany of their commits and one
// bulk write of their views cost about what a single save does. Each caller learns its own
// outcome (a conflict is its alone).
type groupCommit struct {
	agg   *store.Aggregates
	group *coalesce.Group[*store.Saved, error]
}

func newGroupCommit(agg *store.Aggregates) *groupCommit {
	g := &groupCommit{agg: agg}
	g.group = coalesce.New(func(ctx context.Context, saves []*store.Saved) (map[*store.Saved]error, error) {
		list := make([]store.Saved, len(saves))
		for i, s := range saves {
			list[i] = *s
		}
		conflicts, err := agg.SaveMany(ctx, list)
		out := make(map[*store.Saved]error, len(conflicts))
		for i, c := range conflicts {
			out[saves[i]] = c
		}
		return out, err
	})
	return g
}

func (g *groupCommit) save(ctx context.Context, s store.Saved) error {
	// a request's conditional change (If-Match) is saved alone, as the request expects
	if pre, ok := optimistic.IfMatch(ctx); ok && pre.Pending() {
		return g.agg.Save(ctx, s)
	}
	s.Context = ctx
	conflict, err := g.group.Do(ctx, &s)
	if err != nil {
		return err
	}
	return conflict
}
