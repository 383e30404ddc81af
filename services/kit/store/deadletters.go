package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/messaging"
)

// Messages a consumer group could not accept are kept here, with the message as it was
// read, until an administrator replays them after a fix or discards them with a reason:
// the dead-letter topic's retention does not decide what is forgotten.
const deadLettersCollection = "dead_letters"

// Dead-letter states.
const (
	DeadLetterOpen      = "open"
	DeadLetterReplayed  = "replayed"
	DeadLetterDiscarded = "discarded"
)

type deadLetterDoc struct {
	ID        string         `bson:"_id"`
	Group     string         `bson:"group"`
	Topic     string         `bson:"topic"`
	Partition int            `bson:"partition"`
	Offset    int64          `bson:"offset"`
	Key       []byte         `bson:"key,omitempty"`
	Value     []byte         `bson:"value"`
	Headers   []headerDoc    `bson:"headers"`
	EventID   string         `bson:"eventId"`
	Type      string         `bson:"type"`
	Source    string         `bson:"source"`
	Reason    string         `bson:"reason"`
	Rule      string         `bson:"rule,omitempty"`
	Params    []string       `bson:"params,omitempty"`
	At        time.Time      `bson:"at"`
	Times     int            `bson:"times"`
	Status    string         `bson:"status"`
	Replays   int            `bson:"replays"`
	Outcome   *DeadLetterEnd `bson:"outcome,omitempty"`
}

type headerDoc struct {
	Key   string `bson:"k"`
	Value []byte `bson:"v"`
}

// DeadLetterEnd says who replayed or discarded a dead letter, when, and why.
type DeadLetterEnd struct {
	By     string    `bson:"by" json:"by"`
	At     time.Time `bson:"at" json:"at"`
	Reason string    `bson:"reason,omitempty" json:"reason,omitempty"`
}

// DeadLetterSummary is a dead letter as administrators see it: where it came from, what it
// was and why it was refused — not its data, which may hold personal data.
type DeadLetterSummary struct {
	ID        string         `json:"id"`
	Group     string         `json:"group"`
	Topic     string         `json:"topic"`
	Partition int            `json:"partition"`
	Offset    int64          `json:"offset"`
	EventID   string         `json:"eventId"`
	Type      string         `json:"type"`
	Source    string         `json:"source"`
	Reason    string         `json:"reason"`
	Rule      string         `json:"rule,omitempty"`
	Params    []string       `json:"params,omitempty"`
	At        time.Time      `json:"at"`
	Times     int            `json:"times"`
	Status    string         `json:"status"`
	Replays   int            `json:"replays"`
	Outcome   *DeadLetterEnd `json:"outcome,omitempty"`
}

var deadLetterIndexes = []Index{
	{Collection: deadLettersCollection, Model: mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "at", Value: 1}}}},
}

// deadLetterID names a message of a group: the same message dead-lettered again (a crash
// before the commit, a replay refused) is the same dead letter.
func deadLetterID(group, topic string, partition int, offset int64) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d", group, topic, partition, offset))
	return hex.EncodeToString(sum[:12])
}

// KeepDeadLetter records a refused message (messaging.ConsumerConfig.Keep). Refused again,
// it is open again with the latest reason.
func (s *Store) KeepDeadLetter(ctx context.Context, d messaging.DeadLetter) error {
	hs := make([]headerDoc, 0, len(d.Headers))
	for _, h := range d.Headers {
		hs = append(hs, headerDoc{Key: h.Key, Value: h.Value})
	}
	_, err := s.db.Collection(deadLettersCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: deadLetterID(d.Group, d.Topic, d.Partition, d.Offset)}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "reason", Value: d.Reason}, {Key: "rule", Value: d.Why.Code}, {Key: "params", Value: d.Why.Params},
			{Key: "status", Value: DeadLetterOpen}}},
		{Key: "$inc", Value: bson.D{{Key: "times", Value: 1}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "group", Value: d.Group}, {Key: "topic", Value: d.Topic}, {Key: "partition", Value: d.Partition},
			{Key: "offset", Value: d.Offset}, {Key: "key", Value: d.Key}, {Key: "value", Value: d.Value}, {Key: "headers", Value: hs},
			{Key: "eventId", Value: d.Header(messaging.HeaderID)}, {Key: "type", Value: d.Header(messaging.HeaderType)},
			{Key: "source", Value: d.Header(messaging.HeaderSource)}, {Key: "at", Value: d.At}, {Key: "replays", Value: 0}}},
	}, options.UpdateOne().SetUpsert(true))
	return err
}

// DeadLetters lists dead letters in a state, oldest first, without their data.
func (s *Store) DeadLetters(ctx context.Context, status string, limit int) ([]DeadLetterSummary, error) {
	cur, err := s.db.Collection(deadLettersCollection).Find(ctx, bson.D{{Key: "status", Value: status}},
		options.Find().SetSort(bson.D{{Key: "status", Value: 1}, {Key: "at", Value: 1}}).SetLimit(int64(limit)).
			SetProjection(bson.D{{Key: "value", Value: 0}, {Key: "key", Value: 0}, {Key: "headers", Value: 0}}))
	if err != nil {
		return nil, err
	}
	var docs []deadLetterDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]DeadLetterSummary, 0, len(docs))
	for _, d := range docs {
		out = append(out, DeadLetterSummary{ID: d.ID, Group: d.Group, Topic: d.Topic, Partition: d.Partition, Offset: d.Offset,
			EventID: d.EventID, Type: d.Type, Source: d.Source, Reason: d.Reason, Rule: d.Rule, Params: d.Params, At: d.At, Times: d.Times,
			Status: d.Status, Replays: d.Replays, Outcome: d.Outcome})
	}
	return out, nil
}

// CountOpenDeadLetters counts the dead letters waiting for an administrator.
func (s *Store) CountOpenDeadLetters(ctx context.Context) (int64, error) {
	return s.db.Collection(deadLettersCollection).CountDocuments(ctx, bson.D{{Key: "status", Value: DeadLetterOpen}})
}

// ErrNoDeadLetter: no dead letter has that id.
var ErrNoDeadLetter = errors.New("no dead letter with that id")

// ErrDeadLetterClosed: the dead letter was replayed or discarded already.
var ErrDeadLetterClosed = errors.New("the dead letter was replayed or discarded already")

// DeadLetter reads one dead letter whole, for a replay, with its state.
func (s *Store) DeadLetter(ctx context.Context, id string) (messaging.DeadLetter, DeadLetterSummary, error) {
	var d deadLetterDoc
	err := s.db.Collection(deadLettersCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return messaging.DeadLetter{}, DeadLetterSummary{}, ErrNoDeadLetter
	}
	if err != nil {
		return messaging.DeadLetter{}, DeadLetterSummary{}, err
	}
	hs := make([]kafka.Header, 0, len(d.Headers))
	for _, h := range d.Headers {
		hs = append(hs, kafka.Header{Key: h.Key, Value: h.Value})
	}
	return messaging.DeadLetter{Group: d.Group, Topic: d.Topic, Partition: d.Partition, Offset: d.Offset, Key: d.Key, Value: d.Value,
			Headers: hs, Reason: d.Reason, At: d.At},
		DeadLetterSummary{ID: d.ID, Group: d.Group, Topic: d.Topic, Partition: d.Partition, Offset: d.Offset, EventID: d.EventID,
			Type: d.Type, Source: d.Source, Reason: d.Reason, Rule: d.Rule, Params: d.Params, At: d.At, Times: d.Times, Status: d.Status,
			Replays: d.Replays, Outcome: d.Outcome}, nil
}

// CloseDeadLetter marks an open dead letter replayed or discarded, by whom and why.
func (s *Store) CloseDeadLetter(ctx context.Context, id, status string, end DeadLetterEnd) error {
	inc := 0
	if status == DeadLetterReplayed {
		inc = 1
	}
	res, err := s.db.Collection(deadLettersCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: DeadLetterOpen}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: status}, {Key: "outcome", Value: end}}}, {Key: "$inc", Value: bson.D{{Key: "replays", Value: inc}}}})
	if err == nil && res.MatchedCount == 0 {
		return ErrDeadLetterClosed
	}
	return err
}

// NoteReplayRefused keeps a dead letter open with the reason its replay was refused.
func (s *Store) NoteReplayRefused(ctx context.Context, id, reason string) error {
	_, err := s.db.Collection(deadLettersCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: DeadLetterOpen}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "reason", Value: reason}}}, {Key: "$inc", Value: bson.D{{Key: "replays", Value: 1}}}})
	return err
}
