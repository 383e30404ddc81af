// Package store connects to MongoDB and provides the two write patterns the platform relies
// on for exactly-once effects (see ARCHITECTURE.md): inserting facts with deterministic ids,
// where a duplicate key means "already done", and an append-only commit log per aggregate
// whose unpublished events a relay sends to Kafka (the outbox).
package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/werkregio/platform/services/kit/privacy"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ClientSettings are how a service waits for its replica set; a connection string's own
// options (serverSelectionTimeoutMS, timeoutMS, w) win over them.
type ClientSettings struct {
	// ServerSelectionTimeout: how long an operation waits for a primary (MONGO_SERVER_SELECTION_TIMEOUT,
	// 5 s): an election takes some 10 s, a request's 10 s deadline learns in time that none
	// answers and says 503, a consumer or the relay retries with backoff.
	ServerSelectionTimeout time.Duration
	// OperationTimeout bounds an operation without a deadline of its own (MONGO_OPERATION_TIMEOUT,
	// 30 s; the driver's timeoutMS): its wait for the write concern and every socket read.
	// Driver v2 replaced wtimeoutMS and socketTimeoutMS by it; a request's deadline is shorter.
	OperationTimeout time.Duration
	// WriteConcern is "majority" (MONGO_WRITE_CONCERN, the default: an acknowledged write
	// survives the primary's loss, none is rolled back after an election) or a number of members.
	WriteConcern string
}

// DefaultClientSettings are the settings of a production replica set.
func DefaultClientSettings() ClientSettings {
	return ClientSettings{ServerSelectionTimeout: 5 * time.Second, OperationTimeout: 30 * time.Second, WriteConcern: "majority"}
}

// Connect opens a client with the default settings (ConnectWith).
func Connect(ctx context.Context, uri string, tp trace.TracerProvider, tlsConfig ...*tls.Config) (*mongo.Client, error) {
	return ConnectWith(ctx, uri, DefaultClientSettings(), tp, tlsConfig...)
}

// ConnectWith opens a client, traces its commands and checks the server answers. With
// tlsConfig (nil: as the URI says) the connection uses TLS with it: a CA of the database's
// own and a client certificate, as mounted from Secrets. The driver retries a write or a
// read once across an election (retryWrites, retryReads).
func ConnectWith(ctx context.Context, uri string, settings ClientSettings, tp trace.TracerProvider, tlsConfig ...*tls.Config) (*mongo.Client, error) {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	wc := writeconcern.Majority()
	if n, err := strconv.Atoi(settings.WriteConcern); err == nil {
		wc = &writeconcern.WriteConcern{W: n}
	}
	opts := options.Client().SetServerSelectionTimeout(settings.ServerSelectionTimeout).SetRetryWrites(true).SetRetryReads(true).
		SetTimeout(settings.OperationTimeout).SetWriteConcern(wc).
		ApplyURI(uri).
		SetMonitor(commandTracer(tp.Tracer("github.com/werkregio/platform/services/kit/store")))
	if len(tlsConfig) > 0 && tlsConfig[0] != nil {
		opts.SetTLSConfig(tlsConfig[0])
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo ping: %w", err)
	}
	return client, nil
}

// commandTracer makes a client span per command, named "<command> <collection>" as the
// database semantic conventions say. Command bodies are not recorded: they hold personal data.
func commandTracer(tracer trace.Tracer) *event.CommandMonitor {
	var mu sync.Mutex
	spans := map[int64]trace.Span{}
	end := func(id int64, err string) {
		mu.Lock()
		s, ok := spans[id]
		delete(spans, id)
		mu.Unlock()
		if ok {
			if err != "" {
				s.SetStatus(codes.Error, privacy.Redact(err))
			}
			s.End()
		}
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if e.CommandName == "hello" || e.CommandName == "ping" || e.CommandName == "isMaster" {
				return
			}
			coll := collectionOf(e)
			name := e.CommandName
			if coll != "" {
				name += " " + coll
			}
			_, s := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
				semconv.DBSystemNameMongoDB,
				semconv.DBOperationName(e.CommandName),
				semconv.DBCollectionName(coll),
				semconv.DBNamespace(e.DatabaseName),
			))
			mu.Lock()
			spans[e.RequestID] = s
			mu.Unlock()
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { end(e.RequestID, "") },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { end(e.RequestID, e.Failure.Error()) },
	}
}

func collectionOf(e *event.CommandStartedEvent) string {
	v, err := e.Command.LookupErr(e.CommandName)
	if err != nil {
		return ""
	}
	s, _ := v.StringValueOK()
	return s
}

// Index declares an index on a collection.
type Index struct {
	Collection string
	Model      mongo.IndexModel
}

// EnsureIndexes creates the indexes at startup (creating an existing index is a no-op).
func EnsureIndexes(ctx context.Context, db *mongo.Database, idx []Index) error {
	for _, i := range idx {
		if _, err := db.Collection(i.Collection).Indexes().CreateOne(ctx, i.Model); err != nil {
			return fmt.Errorf("index on %s: %w", i.Collection, err)
		}
	}
	return nil
}

// InsertFact inserts a document whose _id identifies the effect. It returns false when the
// fact already existed: the effect was done before and must not be done again.
func InsertFact(ctx context.Context, coll *mongo.Collection, doc any) (bool, error) {
	_, err := coll.InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, err
}

// InsertFacts inserts many facts in one round trip (InsertMany is ~30x faster than one
// InsertOne per document on FerretDB) and ignores the ones already present. It returns how
// many were new.
func InsertFacts(ctx context.Context, coll *mongo.Collection, docs []any) (int, error) {
	if len(docs) == 0 {
		return 0, nil
	}
	res, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(res.InsertedIDs), nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return 0, err
			}
		}
		return len(docs) - len(bwe.WriteErrors), nil
	}
	return 0, err
}
