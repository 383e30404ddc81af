package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/werkregio/platform/services/kit/commit"
)

// ImportedCommit is one change of an aggregate's history brought in from elsewhere.
type ImportedCommit struct {
	ID      string
	Version int
	Region  string
	State   any
	At      time.Time
	Actor   commit.Actor
	Action  string
}

// Import appends aggregates' histories in bulk, as finished commits without events: for
// bringing a region's records over from another system (and for benchmarks). Commits whose
// version exists are left as they are. Rebuild the kind's view afterwards.
func (s *Store) Import(ctx context.Context, kind string, commits []ImportedCommit) (int, error) {
	docs := make([]any, 0, len(commits))
	for _, c := range commits {
		state, err := json.Marshal(c.State)
		if err != nil {
			return 0, err
		}
		stream := StreamOf(kind, c.ID)
		docs = append(docs, commitDoc{ID: commitID(stream, c.Version), Stream: stream, Kind: kind, Aggregate: c.ID,
			Version: c.Version, Region: c.Region, State: string(state), RecordedAt: c.At.UTC(), Actor: c.Actor, Action: c.Action, Imported: true})
	}
	return InsertFacts(ctx, s.commits, docs)
}
