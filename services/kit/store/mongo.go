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
	"sync"
	"time"

	"github.com/werkregio/platform/services/kit/privacy"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Connect opens a client, traces its commands and checks the server answers. With tlsConfig
// (nil: as the URI says) the connection uses TLS with it: a CA of the database's own and a
// client certificate, as mounted from Secrets.
func Connect(ctx context.Context, uri string, tp trace.TracerProvider, tlsConfig ...*tls.Config) (*mongo.Client, error) {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	// defaults a connection string may override: a request (REQUEST_TIMEOUT, 10 s) learns
	// within 5 s that no server answers and answers 503; the driver retries a write or a
	// read once across an election
	opts := options.Client().SetServerSelectionTimeout(5 * time.Second).SetRetryWrites(true).SetRetryReads(true).
		SetTimeout(30 * time.Second).
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
