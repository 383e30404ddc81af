package store

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EraseFromHistory rewrites the stored states of one aggregate's every commit with scrub:
// the one exception to a commit log that is never edited, for the right to erasure (AVG
// art. 17), when personal data must be gone from the history too and not only from the
// current state. Versions, actors, actions, times and events stay, so the audit trail still
// says who did what and when; the view is untouched (the caller commits the erased state
// first). It returns how many commits it rewrote; running it again changes nothing more.
func (a *Aggregates) EraseFromHistory(ctx context.Context, kind, id string, scrub func(json.RawMessage) (json.RawMessage, error)) (int, error) {
	stream := StreamOf(kind, id)
	cur, err := a.store.commits.Find(ctx, bson.D{{Key: "stream", Value: stream}},
		options.Find().SetSort(bson.D{{Key: "stream", Value: 1}, {Key: "version", Value: 1}}).
			SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "state", Value: 1}}))
	if err != nil {
		return 0, err
	}
	var docs []struct {
		ID    string `bson:"_id"`
		State string `bson:"state"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		clean, err := scrub(json.RawMessage(d.State))
		if err != nil {
			return n, err
		}
		if string(clean) == d.State {
			continue
		}
		if _, err := a.store.commits.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: string(clean)}}}}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
