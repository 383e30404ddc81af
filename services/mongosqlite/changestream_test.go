package mongosqlite

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type insertEvent struct {
	Op  string `bson:"operationType"`
	Doc struct {
		ID   int    `bson:"_id"`
		Body string `bson:"body"`
		N    int    `bson:"n"`
	} `bson:"fullDocument"`
}

// readEvents takes n events from a change stream.
func readEvents(t *testing.T, cs *mongo.ChangeStream, n int) []insertEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []insertEvent
	for len(out) < n && cs.Next(ctx) {
		var ev insertEvent
		if err := cs.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	if len(out) < n {
		t.Fatalf("%d of %d events: %v", len(out), n, cs.Err())
	}
	return out
}

// A change stream reports inserts in commit order, from now or after a resume token,
// with a projection of the document applied; a writer wakes a waiting reader at once.
func TestChangeStreamsFollowInsertsAndResume(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("log")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 0}, {Key: "body", Value: "before"}}); err != nil {
		t.Fatal(err)
	}
	project := mongo.Pipeline{{{Key: "$project", Value: bson.D{{Key: "fullDocument.body", Value: 0}}}}}
	cs, err := coll.Watch(ctx, project, options.ChangeStream().SetMaxAwaitTime(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	start := cs.ResumeToken()
	// Concurrent writers: the stream has each insert once, in the order they committed.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1 + w*25 + i}, {Key: "body", Value: "x"}, {Key: "n", Value: i}}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	events := readEvents(t, cs, 100)
	seen := map[int]bool{}
	for _, ev := range events {
		if ev.Op != "insert" || ev.Doc.Body != "" || ev.Doc.ID == 0 || seen[ev.Doc.ID] {
			t.Fatalf("event %+v (projected, new, once)", ev)
		}
		seen[ev.Doc.ID] = true
	}
	// A waiting reader is woken by the next insert, well before its wait ends.
	got := make(chan insertEvent, 1)
	go func() { got <- readEvents(t, cs, 1)[0] }()
	time.Sleep(200 * time.Millisecond)
	began := time.Now()
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1000}}); err != nil {
		t.Fatal(err)
	}
	if ev := <-got; ev.Doc.ID != 1000 || time.Since(began) > 3*time.Second {
		t.Fatalf("woken by %+v after %s", ev, time.Since(began))
	}
	_ = cs.Close(ctx)

	// Resuming after the first token gives the same events again, in the same order.
	again, err := coll.Watch(ctx, project, options.ChangeStream().SetResumeAfter(start).SetBatchSize(7))
	if err != nil {
		t.Fatal(err)
	}
	replay := readEvents(t, again, 101)
	for i, ev := range replay[:100] {
		if ev.Doc.ID != events[i].Doc.ID {
			t.Fatalf("replay %d is %d, first time %d", i, ev.Doc.ID, events[i].Doc.ID)
		}
	}
	mid := again.ResumeToken()
	_ = again.Close(ctx)
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1001}}); err != nil {
		t.Fatal(err)
	}
	last, err := coll.Watch(ctx, mongo.Pipeline{}, options.ChangeStream().SetResumeAfter(mid))
	if err != nil {
		t.Fatal(err)
	}
	if ev := readEvents(t, last, 1)[0]; ev.Doc.ID != 1001 {
		t.Fatalf("after the last token: %+v", ev)
	}
	_ = last.Close(ctx)
	if _, err := coll.Watch(ctx, mongo.Pipeline{}, options.ChangeStream().SetResumeAfter(bson.D{{Key: "_data", Value: "zz"}})); err == nil {
		t.Fatal("a token this server did not make was accepted")
	}
}

// A $match on fullDocument leaves inserts out before they become events, and a long run of
// left-out inserts does not end the stream or hide what follows.
func TestChangeStreamsFilterOnTheDocument(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("log")
	match := mongo.Pipeline{{{Key: "$match", Value: bson.D{{Key: "fullDocument.skip", Value: bson.D{{Key: "$ne", Value: true}}}}}}}
	cs, err := coll.Watch(ctx, match, options.ChangeStream().SetBatchSize(10).SetMaxAwaitTime(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	docs := make([]any, 0, 301)
	for i := range 300 {
		docs = append(docs, bson.D{{Key: "_id", Value: i}, {Key: "skip", Value: true}})
	}
	docs = append(docs, bson.D{{Key: "_id", Value: 300}, {Key: "n", Value: 7}})
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if ev := readEvents(t, cs, 1)[0]; ev.Doc.ID != 300 || ev.Doc.N != 7 {
		t.Fatalf("after 300 left-out inserts: %+v", ev)
	}
}
