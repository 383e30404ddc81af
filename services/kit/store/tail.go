package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The relay's position in the commit log is a change stream's resume token, saved in
// store_meta after each batch. A change stream reports inserts in the order they were
// committed, so no commit can appear behind the position once it has moved past: unlike
// a timestamp or a counter, which a slow writer can fall behind.
//
// Where the log has commits from before there was a position (a store that a relay of an
// earlier version wrote, or a stream whose history the server no longer holds), the relay
// first publishes the commits recorded in a time range (a scan, at least once), then
// follows the stream from a position taken before the scan began.
const progressID = "relay:progress"

type progressDoc struct {
	ID    string    `bson:"_id"`
	Token bson.Raw  `bson:"token"`
	Scan  *scanDoc  `bson:"scan,omitempty"`
	At    time.Time `bson:"at"` // recordedAt of the newest commit finished
	Saved time.Time `bson:"saved"`
}

// scanDoc is the part of the log still to publish by time: recordedAt in [From, Until).
type scanDoc struct {
	From  time.Time `bson:"from"`
	Until time.Time `bson:"until"`
}

// A scan reaches back scanMargin before the last commit finished, for writers that were
// slow to insert what they stamped, and on clockSkew past now, for writers whose clocks
// run ahead.
const (
	scanMargin = 5 * time.Minute
	clockSkew  = time.Minute
)

// relayPipeline is what the relay reads of the log: commits made here (not imported), all
// but their state, which only a view that lags needs (the relay fetches it then).
var relayPipeline = mongo.Pipeline{
	{{Key: "$match", Value: bson.D{{Key: "fullDocument.imported", Value: bson.D{{Key: "$ne", Value: true}}}}}},
	{{Key: "$project", Value: bson.D{{Key: "fullDocument.state", Value: 0}}}},
}

// ErrNeedsReplicaSet: the outbox relay follows the commit log with a change stream.
var ErrNeedsReplicaSet = errors.New("the outbox relay follows the commit log with a change stream, which MongoDB offers on a replica set only: run MongoDB as a replica set (one member will do)")

// ensureProgress gives a new store its position in the log before anything is written, so
// no commit ever needs a scan; a store with commits but no position gets a scan of them.
func (s *Store) ensureProgress(ctx context.Context) error {
	err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: progressID}}).Err()
	if err == nil || !errors.Is(err, mongo.ErrNoDocuments) {
		return err
	}
	started := time.Now().UTC()
	token, err := s.currentPosition(ctx)
	if err != nil {
		return err
	}
	p := progressDoc{ID: progressID, Token: token, Saved: started}
	if err := s.commits.FindOne(ctx, bson.D{}).Err(); err == nil {
		p.Scan = &scanDoc{Until: time.Now().UTC().Add(clockSkew)}
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return err
	}
	if _, err := InsertFact(ctx, s.meta, p); err != nil {
		return err
	}
	return nil
}

// currentPosition is the position of the end of the log.
func (s *Store) currentPosition(ctx context.Context) (bson.Raw, error) {
	cs, err := s.commits.Watch(ctx, mongo.Pipeline{}, options.ChangeStream().SetMaxAwaitTime(time.Millisecond))
	if err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && (ce.Code == 40573 || ce.Code == 40324) {
			return nil, ErrNeedsReplicaSet
		}
		return nil, fmt.Errorf("opening a change stream on the commit log: %w", err)
	}
	defer cs.Close(context.WithoutCancel(ctx))
	return append(bson.Raw(nil), cs.ResumeToken()...), nil
}

// tail reads the log for the relay: from the saved position, a scan first if one is due.
type tail struct {
	store  *Store
	size   int
	wait   time.Duration
	stream *mongo.ChangeStream
	scan   *scanDoc
	seen   map[string]bool // commits of the scan's last instant already published
	token  bson.Raw        // the saved position
	at     time.Time
	saved  time.Time
	ahead  chan tailBatch // the next batch of the stream, read while this one is published
	// readAhead bounds reading ahead: it ends when the tail is closed.
	readAhead context.Context
	cancel    context.CancelFunc
}

// tailBatch is what one read of the log gave: commits in log order and the position after
// them.
type tailBatch struct {
	commits []commitDoc
	token   bson.Raw
	scan    *scanDoc
	full    bool
	err     error
}

func (s *Store) openTail(ctx context.Context, size int, wait time.Duration) (*tail, error) {
	var p progressDoc
	if err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: progressID}}).Decode(&p); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, errors.New("the store has no relay position: Prepare it first")
		}
		return nil, err
	}
	t := &tail{store: s, size: size, wait: wait, scan: p.Scan, token: p.Token, at: p.At, saved: p.Saved, seen: map[string]bool{}}
	opts := options.ChangeStream().SetBatchSize(int32(size)).SetMaxAwaitTime(wait).SetResumeAfter(p.Token)
	cs, err := s.commits.Watch(ctx, relayPipeline, opts)
	if isHistoryLost(err) {
		// The server no longer holds the log since the saved position: publish what was
		// recorded since then by time, then follow the stream from now.
		s.log.WarnContext(ctx, "the commit log's change stream cannot resume at the relay's position; publishing by time since then", "since", p.At.Add(-scanMargin).String())
		if t.token, err = s.currentPosition(ctx); err != nil {
			return nil, err
		}
		t.scan = &scanDoc{From: p.At.Add(-scanMargin), Until: time.Now().UTC().Add(clockSkew)}
		if err := t.save(ctx, t.token, t.at); err != nil {
			return nil, err
		}
		cs, err = s.commits.Watch(ctx, relayPipeline, opts.SetResumeAfter(t.token))
	}
	if err != nil {
		return nil, err
	}
	t.stream = cs
	t.readAhead, t.cancel = context.WithCancel(context.Background())
	return t, nil
}

// next is the next batch: of the scan while one is due, else of the stream, waiting up to
// the idle interval for a commit.
func (t *tail) next(ctx context.Context) (tailBatch, error) {
	if t.scan != nil {
		return t.scanBatch(ctx)
	}
	var b tailBatch
	if t.ahead != nil {
		b = <-t.ahead
		t.ahead = nil
	} else {
		b = t.read(ctx)
	}
	if b.err == nil && b.full {
		// Read on while this batch is published: reading and publishing overlap.
		t.ahead = make(chan tailBatch, 1)
		go func() { t.ahead <- t.read(t.readAhead) }()
	}
	return b, b.err
}

// read takes up to size commits from the stream.
func (t *tail) read(ctx context.Context) tailBatch {
	var b tailBatch
	for len(b.commits) < t.size {
		if len(b.commits) > 0 && t.stream.RemainingBatchLength() == 0 {
			break
		}
		if !t.stream.TryNext(ctx) {
			break
		}
		var ev struct {
			Doc commitDoc `bson:"fullDocument"`
		}
		if err := t.stream.Decode(&ev); err != nil {
			b.err = err
			return b
		}
		b.commits = append(b.commits, ev.Doc)
	}
	if err := t.stream.Err(); err != nil {
		b.err = err
		return b
	}
	b.token = append(bson.Raw(nil), t.stream.ResumeToken()...)
	b.full = len(b.commits) == t.size
	return b
}

// scanBatch takes the next commits of the scan by time.
func (t *tail) scanBatch(ctx context.Context) (tailBatch, error) {
	seen := make([]string, 0, len(t.seen))
	for id := range t.seen {
		seen = append(seen, id)
	}
	filter := bson.D{{Key: "recordedAt", Value: bson.D{{Key: "$gte", Value: t.scan.From}, {Key: "$lt", Value: t.scan.Until}}}}
	if len(seen) > 0 {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: seen}}})
	}
	cur, err := t.store.commits.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "recordedAt", Value: 1}}).
		SetLimit(int64(t.size)).SetProjection(bson.D{{Key: "state", Value: 0}}))
	if err != nil {
		return tailBatch{}, err
	}
	var commits []commitDoc
	if err := cur.All(ctx, &commits); err != nil {
		return tailBatch{}, err
	}
	b := tailBatch{token: t.token, full: true}
	if len(commits) == 0 {
		return b, nil // settle ends the scan
	}
	next := *t.scan
	last := commits[len(commits)-1].RecordedAt
	if !last.Equal(next.From) {
		clear(t.seen)
	}
	next.From = last
	for _, c := range commits {
		if c.RecordedAt.Equal(last) {
			t.seen[c.ID] = true
		}
		if !c.Imported {
			b.commits = append(b.commits, c)
		}
	}
	b.scan = &next
	if len(b.commits) == 0 {
		b.commits = nil
	}
	return b, nil
}

// settle saves the position after a batch: always after one with commits, and now and then
// while the log is quiet (so that a resume never reaches back further than the server's
// history). It ends a scan that found nothing more.
func (t *tail) settle(ctx context.Context, b tailBatch) error {
	at := t.at
	if n := len(b.commits); n > 0 {
		at = b.commits[n-1].RecordedAt
	}
	if t.scan != nil {
		t.scan = b.scan
		if b.scan == nil {
			clear(t.seen)
		}
		return t.save(ctx, t.token, at)
	}
	if len(b.commits) == 0 && (b.token == nil || time.Since(t.saved) < time.Minute) {
		return nil
	}
	return t.save(ctx, b.token, at)
}

func (t *tail) save(ctx context.Context, token bson.Raw, at time.Time) error {
	now := time.Now().UTC()
	set := bson.D{{Key: "token", Value: token}, {Key: "at", Value: at}, {Key: "saved", Value: now}}
	update := bson.D{{Key: "$set", Value: set}}
	if t.scan != nil {
		set = append(set, bson.E{Key: "scan", Value: t.scan})
		update = bson.D{{Key: "$set", Value: set}}
	} else {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "scan", Value: ""}}})
	}
	if _, err := t.store.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: progressID}}, update); err != nil {
		return err
	}
	t.token, t.at, t.saved = token, at, now
	return nil
}

// close stops reading; a batch read ahead is dropped (the next holder reads it again).
func (t *tail) close() {
	if t.cancel != nil {
		t.cancel()
	}
	if t.ahead != nil {
		<-t.ahead
		t.ahead = nil
	}
	if t.stream != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = t.stream.Close(ctx)
	}
}
