package store

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel/propagation"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Publisher sends events to a topic.
type Publisher interface {
	Publish(ctx context.Context, topic string, events ...messaging.Event) error
}

// Relay publishes the events of stored commits and then marks the commits published. A
// crash between the two publishes again on restart: delivery is at least once, with the same
// event ids, and consumers make their effects idempotent. Polling is the fallback; an Append
// in this process wakes the relay at once.
func (c *Commits) Relay(ctx context.Context, pub Publisher, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := c.RelayOnce(ctx, pub); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "outbox relay failed; will retry", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.notify:
		}
	}
}

// RelayOnce publishes every unpublished commit, in commit order per stream.
func (c *Commits) RelayOnce(ctx context.Context, pub Publisher) error {
	cur, err := c.coll.Find(ctx, bson.D{{Key: "published", Value: false}},
		options.Find().SetSort(bson.D{{Key: "recordedAt", Value: 1}}).SetLimit(1000))
	if err != nil {
		return err
	}
	var docs []commitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	// Per stream, versions must go out in order even if clocks put them otherwise.
	docs = orderPerStream(docs)
	for _, d := range docs {
		pctx := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier(d.TraceParent))
		byTopic := map[string][]messaging.Event{}
		var topics []string
		for _, o := range d.Events {
			if _, ok := byTopic[o.Topic]; !ok {
				topics = append(topics, o.Topic)
			}
			byTopic[o.Topic] = append(byTopic[o.Topic], messaging.Event{
				ID: o.ID, Type: o.Type, Source: "", Subject: o.Subj, Time: o.Time, Key: o.Key, Data: []byte(o.Data),
			})
		}
		for _, topic := range topics {
			if err := pub.Publish(pctx, topic, byTopic[topic]...); err != nil {
				return err
			}
		}
		if _, err := c.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "published", Value: true}}}}); err != nil {
			return err
		}
	}
	return nil
}

func orderPerStream(docs []commitDoc) []commitDoc {
	byStream := map[string][]commitDoc{}
	var streams []string
	for _, d := range docs {
		if _, ok := byStream[d.Stream]; !ok {
			streams = append(streams, d.Stream)
		}
		byStream[d.Stream] = append(byStream[d.Stream], d)
	}
	out := make([]commitDoc, 0, len(docs))
	for _, s := range streams {
		group := byStream[s]
		sort.Slice(group, func(i, j int) bool { return group[i].Version < group[j].Version })
		out = append(out, group...)
	}
	return out
}

func sortByTime(streams []string, first map[string]time.Time) {
	slices.SortStableFunc(streams, func(a, b string) int { return first[a].Compare(first[b]) })
}
