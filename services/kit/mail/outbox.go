package mail

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/store"
)

// Sender delivers one mail (SMTP in a service, a test's sink elsewhere).
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Outbox keeps the mails a service owes until they are sent: queued once per cause (a
// redelivered event or a rerun check queues nothing new), sent by Deliver, a failed send
// retried later each time. Without a sender it keeps nothing: the events still tell.
type Outbox struct {
	coll *mongo.Collection
	send Sender
	now  func() time.Time
}

// Collection is where a service's outbox lives.
const Collection = "mail"

// Indexes finds the mails due.
var Indexes = []store.Index{{Collection: Collection, Model: mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "retryAt", Value: 1}}}}}

// NewOutbox keeps the outbox in db; send may be nil (no SMTP server configured).
func NewOutbox(db *mongo.Database, send Sender, now func() time.Time) *Outbox {
	return &Outbox{coll: db.Collection(Collection), send: send, now: now}
}

// Sends reports whether the outbox sends at all.
func (o *Outbox) Sends() bool { return o != nil && o.send != nil }

type mailDoc struct {
	ID         string            `bson:"_id"`
	To         []string          `bson:"to"`
	Title      messages.Stored   `bson:"title"`
	Paragraphs []messages.Stored `bson:"paragraphs"`
	Link       string            `bson:"link,omitempty"`
	LinkLabel  string            `bson:"linkLabel,omitempty"`
	Why        string            `bson:"why,omitempty"`
	At         time.Time         `bson:"at"`
	Status     string            `bson:"status"`
	Attempts   int               `bson:"attempts"`
	RetryAt    time.Time         `bson:"retryAt"`
	SentAt     time.Time         `bson:"sentAt,omitempty"`
	Error      string            `bson:"error,omitempty"`
}

func stored(m messages.Message) messages.Stored {
	return messages.Stored{Rule: m.Code, Params: m.Params}
}

// Queue keeps m to be sent unless its cause was queued before; it reports whether it is
// new. A mail to nobody is not kept.
func (o *Outbox) Queue(ctx context.Context, m Mail) (bool, error) {
	if !o.Sends() || len(m.To) == 0 {
		return false, nil
	}
	if m.Cause == "" || m.Title.Code == "" {
		return false, fmt.Errorf("a mail needs a cause and a title")
	}
	now := o.now().UTC()
	return store.InsertFact(ctx, o.coll, mailDoc{ID: m.Cause, To: m.To, Title: stored(m.Title), Paragraphs: convert.Each(m.Paragraphs, stored),
		Link: m.Link, LinkLabel: m.LinkLabel, Why: m.Why, At: now, Status: "pending", RetryAt: now})
}

// Deliver sends the mails due, oldest first, at most limit a run. A send that fails waits
// twice as long each time (from a minute to about 17 hours); its reason is kept without
// personal data. The cause is the Message-ID, so a resend after a crash between sending and
// marking is recognisably the same message.
func (o *Outbox) Deliver(ctx context.Context, limit int) (int, error) {
	if !o.Sends() {
		return 0, nil
	}
	now := o.now().UTC()
	cur, err := o.coll.Find(ctx, bson.D{{Key: "status", Value: "pending"}, {Key: "retryAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "retryAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return 0, err
	}
	var due []mailDoc
	if err := cur.All(ctx, &due); err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		m := Mail{Cause: d.ID, To: d.To, Title: d.Title.Message(), Paragraphs: convert.Each(d.Paragraphs, func(s messages.Stored) messages.Message { return s.Message() }),
			Link: d.Link, LinkLabel: d.LinkLabel, Why: d.Why}
		if err := o.send.Send(ctx, m); err != nil {
			wait := time.Duration(1<<min(d.Attempts, 10)) * time.Minute
			if _, ferr := o.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{
				{Key: "$set", Value: bson.D{{Key: "error", Value: privacy.RedactError(err).Error()}, {Key: "retryAt", Value: now.Add(wait)}}},
				{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}}); ferr != nil {
				return sent, ferr
			}
			continue
		}
		if _, err := o.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "sent"}, {Key: "sentAt", Value: now}}}}); err != nil {
			return sent, fmt.Errorf("sent %s but could not mark it: %w", d.ID, err)
		}
		sent++
	}
	return sent, nil
}

// Queued reports whether a mail of this cause was queued (a daily e-mail asks before it
// counts what it says).
func (o *Outbox) Queued(ctx context.Context, cause string) (bool, error) {
	if !o.Sends() {
		return false, nil
	}
	n, err := o.coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: cause}})
	return n > 0, err
}
