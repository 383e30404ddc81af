package store

import "context"

// CommitOnly appends a commit as Save does but stops before the view: a writer that
// crashed between the two.
func (a *Aggregates) CommitOnly(ctx context.Context, s Saved) error {
	_, err := a.store.appendCommit(ctx, Change{Kind: s.Kind, ID: s.ID, Version: s.Version, Region: s.Region, State: s.State,
		Actor: s.Actor, Action: s.Action})
	return err
}
