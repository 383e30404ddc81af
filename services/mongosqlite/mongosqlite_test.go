package mongosqlite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// These tests drive the server with the official MongoDB Go driver, the way the services
// use it: what they assert is MongoDB's documented behaviour.

type harness struct {
	srv    *Server
	ln     net.Listener
	client *mongo.Client
	db     *mongo.Database
}

func start(t *testing.T, dir string) *harness {
	t.Helper()
	srv, err := New(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + ln.Addr().String() + "/?directConnection=true"))
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Ping(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	h := &harness{srv: srv, ln: ln, client: client, db: client.Database("test-db")}
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	_ = h.client.Disconnect(context.Background())
	_ = h.ln.Close()
	h.srv.Close()
}

func all[T any](t *testing.T) func(cur *mongo.Cursor, err error) []T {
	return func(cur *mongo.Cursor, err error) []T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []T
		if err := cur.All(context.Background(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// js renders a value as relaxed extended JSON, in field order.
func js(v any) string {
	raw, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		return err.Error()
	}
	return string(raw[len(`{"v":`) : len(raw)-1])
}

// winningStage walks an explain's winning plan and returns its stages, outermost first.
func winningStages(t *testing.T, coll *mongo.Collection, find bson.D) []string {
	t.Helper()
	type stage struct {
		Stage      string `bson:"stage"`
		InputStage *stage `bson:"inputStage"`
	}
	var res struct {
		QueryPlanner struct {
			WinningPlan *stage `bson:"winningPlan"`
		} `bson:"queryPlanner"`
	}
	err := coll.Database().RunCommand(context.Background(), bson.D{{Key: "explain", Value: find}}).Decode(&res)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	for s := res.QueryPlanner.WinningPlan; s != nil; s = s.InputStage {
		stages = append(stages, s.Stage)
	}
	return stages
}

func TestInsertFindAndDuplicateKeys(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("facts")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 2}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("second insert of _id a: want a duplicate key error, got %v", err)
	}
	res, err := coll.InsertMany(ctx, []any{bson.D{{Key: "_id", Value: "b"}}, bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "c"}}},
		options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || len(bwe.WriteErrors) != 1 || bwe.WriteErrors[0].Code != 11000 || bwe.WriteErrors[0].Index != 1 {
		t.Fatalf("unordered insert with one duplicate: want one 11000 at index 1, got %v (%v)", err, res)
	}
	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil || n != 3 {
		t.Fatalf("count = %d, %v; want 3", n, err)
	}
	var got bson.M
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil || got["n"] != int32(1) {
		t.Fatalf("find a = %v, %v", got, err)
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "zz"}}).Err(); !errors.Is(err, mongo.ErrNoDocuments) {
		t.Fatalf("missing document: %v", err)
	}
	// Generated ObjectIds.
	ins, err := coll.InsertOne(ctx, bson.D{{Key: "x", Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ins.InsertedID.(bson.ObjectID); !ok {
		t.Fatalf("inserted id %T", ins.InsertedID)
	}
}

func TestConcurrentInsertsOfOneIDHaveOneWinner(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("seats")
	var wins atomic.Int32
	var wg sync.WaitGroup
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("seat-%d", k)}})
				switch {
				case err == nil:
					wins.Add(1)
				case !mongo.IsDuplicateKeyError(err):
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 50 {
		t.Fatalf("%d winners for 50 keys", wins.Load())
	}
}

func TestIndexedQueriesAreIndexBacked(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("views")
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "region", Value: 1}, {Key: "f.status", Value: 1}, {Key: "ord", Value: 1}}}); err != nil {
		t.Fatal(err)
	}
	var docs []any
	for i := 0; i < 300; i++ {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("e%03d", i)}, {Key: "region", Value: "groningen"},
			{Key: "f", Value: bson.D{{Key: "status", Value: []string{"enrolled", "started", "completed"}[i%3]}}}, {Key: "ord", Value: fmt.Sprintf("%03d", i)}})
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	page := bson.D{{Key: "region", Value: "groningen"}, {Key: "f.status", Value: "started"}, {Key: "ord", Value: bson.D{{Key: "$gt", Value: "100"}}}}
	got := all[bson.M](t)(coll.Find(ctx, page, options.Find().SetSort(bson.D{{Key: "ord", Value: 1}}).SetLimit(5)))
	var ids []string
	for _, d := range got {
		ids = append(ids, d["_id"].(string))
	}
	if fmt.Sprint(ids) != "[e103 e106 e109 e112 e115]" {
		t.Fatalf("page = %v", ids)
	}
	stages := winningStages(t, coll, bson.D{{Key: "find", Value: "views"}, {Key: "filter", Value: page}, {Key: "sort", Value: bson.D{{Key: "ord", Value: 1}}}, {Key: "limit", Value: 5}})
	if fmt.Sprint(stages) != "[IXSCAN]" {
		t.Fatalf("page plan = %v, want an index scan without a sort stage", stages)
	}
	if s := winningStages(t, coll, bson.D{{Key: "find", Value: "views"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "e007"}}}}); fmt.Sprint(s) != "[IXSCAN]" {
		t.Fatalf("_id lookup plan = %v", s)
	}
	if s := winningStages(t, coll, bson.D{{Key: "find", Value: "views"}, {Key: "filter", Value: bson.D{{Key: "unindexed", Value: 1}}}}); fmt.Sprint(s) != "[COLLSCAN]" {
		t.Fatalf("unindexed plan = %v", s)
	}
	if s := winningStages(t, coll, bson.D{{Key: "find", Value: "views"}, {Key: "filter", Value: bson.D{{Key: "region", Value: "groningen"}}}, {Key: "sort", Value: bson.D{{Key: "other", Value: 1}}}}); s[0] != "SORT" {
		t.Fatalf("sort without index plan = %v", s)
	}
}

func TestComparisonsStayWithinTheirType(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("mixed")
	_, _ = coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "v", Value: 1}}})
	_, err := coll.InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: 1}, {Key: "v", Value: 3}},
		bson.D{{Key: "_id", Value: 2}, {Key: "v", Value: 7.5}},
		bson.D{{Key: "_id", Value: 3}, {Key: "v", Value: "9"}},
		bson.D{{Key: "_id", Value: 4}, {Key: "v", Value: true}},
		bson.D{{Key: "_id", Value: 5}, {Key: "v", Value: nil}},
		bson.D{{Key: "_id", Value: 6}},
		bson.D{{Key: "_id", Value: 7}, {Key: "v", Value: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
		bson.D{{Key: "_id", Value: 8}, {Key: "v", Value: int64(7)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(filter bson.D) string {
		got := all[bson.D](t)(coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})))
		var out []any
		for _, d := range got {
			out = append(out, d[0].Value)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		filter bson.D
		want   string
	}{
		{bson.D{{Key: "v", Value: bson.D{{Key: "$gt", Value: 5}}}}, "[2 8]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$lt", Value: 5}}}}, "[1]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$gte", Value: "0"}}}}, "[3]"},
		{bson.D{{Key: "v", Value: 7}}, "[8]"},
		{bson.D{{Key: "v", Value: 7.5}}, "[2]"},
		{bson.D{{Key: "v", Value: nil}}, "[5 6]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$ne", Value: nil}}}}, "[1 2 3 4 7 8]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$in", Value: bson.A{3, "9", true}}}}}, "[1 3 4]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$gt", Value: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}}}}, "[7]"},
		{bson.D{{Key: "v", Value: bson.D{{Key: "$exists", Value: false}}}}, "[6]"},
		{bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "v", Value: 3}}, bson.D{{Key: "v", Value: true}}}}}, "[1 4]"},
	} {
		if got := ids(c.filter); got != c.want {
			t.Errorf("%v: got %s, want %s", c.filter, got, c.want)
		}
	}
	// Sorting mixes types in MongoDB's order: null and missing, numbers, strings, booleans, dates.
	got := all[bson.M](t)(coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "v", Value: 1}, {Key: "_id", Value: 1}})))
	var order []any
	for _, d := range got {
		order = append(order, d["_id"])
	}
	if fmt.Sprint(order) != "[5 6 1 8 2 3 4 7]" {
		t.Fatalf("mixed sort = %v", order)
	}
}

func TestArraysMatchElementWise(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("people")
	_, _ = coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "groups", Value: 1}}})
	_, err := coll.InsertMany(ctx, []any{
		bson.D{{Key: "_id", Value: 1}, {Key: "groups", Value: "bijstand"}},
		bson.D{{Key: "_id", Value: 2}, {Key: "groups", Value: bson.A{"ww", "bijstand"}}},
		bson.D{{Key: "_id", Value: 3}, {Key: "groups", Value: bson.A{"nugger"}}, {Key: "jobs", Value: bson.A{bson.D{{Key: "employer", Value: "Bouw BV"}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := all[bson.M](t)(coll.Find(ctx, bson.D{{Key: "groups", Value: "bijstand"}}))
	if len(got) != 2 {
		t.Fatalf("element match found %d, want 2", len(got))
	}
	got = all[bson.M](t)(coll.Find(ctx, bson.D{{Key: "jobs.employer", Value: "Bouw BV"}}))
	if len(got) != 1 {
		t.Fatalf("path through an array found %d, want 1", len(got))
	}
	got = all[bson.M](t)(coll.Find(ctx, bson.D{{Key: "groups", Value: bson.D{{Key: "$size", Value: 2}}}}))
	if len(got) != 1 {
		t.Fatalf("$size found %d", len(got))
	}
}

func TestUpdatesAndUpserts(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("docs")
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "k"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "a.b", Value: 1}}},
		{Key: "$inc", Value: bson.D{{Key: "n", Value: 2}}}, {Key: "$setOnInsert", Value: bson.D{{Key: "created", Value: true}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil || res.UpsertedID != "k" {
		t.Fatalf("upsert: %v %v", res, err)
	}
	res, err = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "k"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 3}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "created", Value: false}}}, {Key: "$push", Value: bson.D{{Key: "log", Value: "x"}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 {
		t.Fatalf("update: %+v %v", res, err)
	}
	var got bson.M
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "k"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["n"] != int32(5) || got["created"] != true || js(got["a"]) != `{"b":1}` || js(got["log"]) != `["x"]` {
		t.Fatalf("document = %v", got)
	}
	// The replica pattern: keep the newer version; a stale one meets the duplicate _id.
	save := func(v int) error {
		_, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "offer"}, {Key: "v", Value: bson.D{{Key: "$lt", Value: v}}}},
			bson.D{{Key: "_id", Value: "offer"}, {Key: "v", Value: v}}, options.Replace().SetUpsert(true))
		return err
	}
	if err := save(2); err != nil {
		t.Fatal(err)
	}
	if err := save(1); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("stale version: want duplicate key, got %v", err)
	}
	if err := save(3); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "offer"}}).Decode(&got); err != nil || got["v"] != int32(3) {
		t.Fatalf("offer = %v %v", got, err)
	}
	um, err := coll.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"k", "offer"}}}}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}})
	if err != nil || um.ModifiedCount != 2 {
		t.Fatalf("update many: %+v %v", um, err)
	}
	var after bson.M
	err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "k"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after)
	if err != nil || after["n"] != int32(6) {
		t.Fatalf("find one and update: %v %v", after, err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "k"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "_id", Value: "other"}}}}); err == nil {
		t.Fatal("changing _id must fail")
	}
	del, err := coll.DeleteMany(ctx, bson.D{{Key: "done", Value: true}})
	if err != nil || del.DeletedCount != 2 {
		t.Fatalf("delete: %+v %v", del, err)
	}
}

func TestCursorsProjectionAndAggregation(t *testing.T) {
	ctx := context.Background()
	h := start(t, t.TempDir())
	coll := h.db.Collection("many")
	var docs []any
	for i := 0; i < 1234; i++ {
		docs = append(docs, bson.D{{Key: "_id", Value: i}, {Key: "group", Value: i % 3}, {Key: "amount", Value: int64(i)}, {Key: "big", Value: "payload"}})
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	got := all[bson.M](t)(coll.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "big", Value: 0}}).SetBatchSize(100)))
	if len(got) != 1234 || got[0]["big"] != nil || got[1233]["amount"] != int64(1233) {
		t.Fatalf("cursor returned %d documents, first %v", len(got), got[0])
	}
	page := all[bson.D](t)(coll.Find(ctx, bson.D{{Key: "group", Value: 1}}, options.Find().SetProjection(bson.D{{Key: "amount", Value: 1}, {Key: "_id", Value: 0}}).SetSort(bson.D{{Key: "amount", Value: -1}}).SetSkip(1).SetLimit(2)))
	if js(page) != `[{"amount":1228},{"amount":1225}]` {
		t.Fatalf("projected page = %v", js(page))
	}
	sums := all[bson.D](t)(coll.Aggregate(ctx, mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "amount", Value: bson.D{{Key: "$lt", Value: 10}}}}}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$group"}, {Key: "total", Value: bson.D{{Key: "$sum", Value: "$amount"}}},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}},
	}))
	if js(sums) != `[{"_id":0,"total":18,"n":4},{"_id":1,"total":12,"n":3},{"_id":2,"total":15,"n":3}]` {
		t.Fatalf("group = %v", js(sums))
	}
	n, err := coll.EstimatedDocumentCount(ctx)
	if err != nil || n != 1234 {
		t.Fatalf("estimated count %d %v", n, err)
	}
	var distinct []int32
	if err := coll.Distinct(ctx, "group", bson.D{}).Decode(&distinct); err != nil || len(distinct) != 3 {
		t.Fatalf("distinct %v %v", distinct, err)
	}
}

func TestDataSurvivesARestartAndTransactionsAreRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h := start(t, dir)
	coll := h.db.Collection("kept")
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "key", Value: 1}}, Options: options.Index().SetUnique(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 1}, {Key: "key", Value: "x"}, {Key: "tags", Value: bson.A{"a"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 2}, {Key: "key", Value: "x"}}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("unique index: %v", err)
	}
	sess, err := h.client.StartSession()
	if err == nil {
		_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) {
			return coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 3}})
		})
		sess.EndSession(ctx)
	}
	if err == nil {
		t.Fatal("a transaction must be refused, as a standalone MongoDB does")
	}
	h.stop()

	h2 := start(t, dir)
	coll = h2.db.Collection("kept")
	names, err := h2.db.ListCollectionNames(ctx, bson.D{})
	if err != nil || fmt.Sprint(names) != "[kept]" {
		t.Fatalf("collections after restart: %v %v", names, err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: 2}, {Key: "key", Value: "x"}}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("unique index after restart: %v", err)
	}
	got := all[bson.M](t)(coll.Find(ctx, bson.D{{Key: "tags", Value: "a"}}))
	if len(got) != 1 {
		t.Fatalf("array paths after restart: %v", got)
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 2 || specs[1].Unique == nil || !*specs[1].Unique {
		t.Fatalf("indexes after restart: %+v %v", specs, err)
	}
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h2.db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
}
