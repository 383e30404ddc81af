package service

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/werkregio/platform/contracts"

	"github.com/gin-gonic/gin"
	"github.com/segmentio/kafka-go"
	"go.mongodb.org/mongo-driver/v2/mongo"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/sync/errgroup"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/logging"
	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/outage"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/telemetry"
)

// Options add what a process needs beyond its configuration.
type Options struct {
	Validator messaging.Validator
	// Service is the service's name in the catalog: the topics it publishes and reads are
	// created at start (with their dead-letter topics and the catalog's retention) unless an
	// operator created them first.
	Service string
	// Indexes to create at start.
	Indexes []store.Index
	// Views are the read models of the aggregate kinds the service stores; each is built
	// from the commit log when missing or when its definition changed.
	Views []*store.View
	// OpenAPI is the service's document (its references resolved in OpenAPIRefs): request
	// bodies are checked against it before any handler runs.
	OpenAPI     []byte
	OpenAPIRefs fs.FS
	// Upload names the routes that take a document instead of JSON, and their body limit.
	Upload func(r *http.Request) (maxBytes int64, ok bool)
	// LogOutput defaults to stderr; SpanProcessors capture spans in tests.
	LogOutput      io.Writer
	SpanProcessors []sdktrace.SpanProcessor
}

// OptionsFor are a catalog service's options: the platform's event schemas, its OpenAPI
// document from contracts/, its indexes and views.
func OptionsFor(name string, indexes []store.Index, views []*store.View) Options {
	return Options{Validator: contracts.MustEventSchemas(), OpenAPI: contracts.MustOpenAPI(name), OpenAPIRefs: contracts.OpenAPIFiles(),
		Service: name, Indexes: indexes, Views: views}
}

// Platform is a started service process.
type Platform struct {
	Config    Config
	Log       *slog.Logger
	Telemetry *telemetry.Telemetry
	Mongo     *mongo.Client
	DB        *mongo.Database
	Store     *store.Store
	Relay     *store.Relay
	Transport *kafka.Transport
	Producer  *messaging.Producer
	Verifier  *auth.Verifier
	Engine    *gin.Engine
	// Operations serves the internal listener: health, readiness, metrics.
	Operations http.Handler
	// API is /api/v1 with the conventions of every route: a token of this region,
	// conditional changes (If-Match) and idempotent POSTs (Idempotency-Key).
	API       *gin.RouterGroup
	Validator messaging.Validator
	// Outages says once per outage which part waits for the database or the broker.
	Outages *outage.Tracker

	consumers []*messaging.Consumer
	service   string
	keys      eventKeys
	jobs      []job
	closeOnce sync.Once
}

// Start connects to everything and prepares the HTTP engine; Run serves.
func Start(ctx context.Context, cfg Config, opts Options) (*Platform, error) {
	if opts.LogOutput == nil {
		opts.LogOutput = os.Stderr
	}
	p := &Platform{Config: cfg, Validator: opts.Validator, service: opts.Service}
	p.Log = logging.New(opts.LogOutput, cfg.Name, cfg.LogLevel).With("region", cfg.Region)
	slog.SetDefault(p.Log)

	var err error
	p.Telemetry, err = telemetry.Setup(ctx, telemetry.Config{
		ServiceName: cfg.Name, ServiceVersion: cfg.Version, Region: cfg.Region,
		OTLPEndpoint: cfg.OTLPEndpoint, SampleRatio: cfg.SampleRatio, SpanProcessors: opts.SpanProcessors,
	})
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}

	p.Verifier, err = auth.NewVerifier(ctx, auth.VerifierConfig{
		Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience, JWKSFile: cfg.AuthJWKSFile, JWKSURL: cfg.AuthJWKSURL,
		MaxLifetime: cfg.AuthMaxTokenLifetime, ClockSkew: cfg.AuthClockSkew, MaxKeyAge: cfg.AuthJWKSMaxAge, Logger: p.Log,
	})
	if err != nil {
		return nil, err
	}

	var mongoTLS *tls.Config
	if cfg.MongoTLS.Set() {
		if mongoTLS, err = cfg.MongoTLS.Config("mongodb"); err != nil {
			return nil, err
		}
	}
	p.Outages = outage.New(p.Log, p.Telemetry.Meters)
	// a service started while its database or broker is away waits for them (said once)
	// instead of exiting: it comes up by itself when they are back
	err = untilAnswers(ctx, p.Outages, "start: mongodb", func() error {
		if p.Mongo != nil { // a try that connected, then failed
			_ = p.Mongo.Disconnect(context.Background())
			p.Mongo = nil
		}
		client, err := store.ConnectWith(ctx, cfg.MongoURI, cfg.Mongo, p.Telemetry.Tracers, mongoTLS)
		if err != nil {
			return err
		}
		p.Mongo, p.DB = client, client.Database(cfg.MongoDatabase)
		if err := store.EnsureIndexes(ctx, p.DB, append(slices.Clone(opts.Indexes), mail.Indexes...)); err != nil {
			return err
		}
		p.Store = store.New(p.DB, p.Log, opts.Views...)
		if err := p.Store.Prepare(ctx); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	if p.keys, err = loadEventKeys(cfg); err != nil {
		return nil, err
	}
	p.Transport, err = messaging.NewSecureTransport(cfg.KafkaSecurity)
	if err != nil {
		return nil, err
	}
	var specs []messaging.TopicSpec
	if opts.Service != "" {
		svc, ok := catalog.ServiceNamed(opts.Service)
		if !ok {
			return nil, fmt.Errorf("service %q is not in the catalog", opts.Service)
		}
		for _, name := range svc.TopicsOf() {
			t, _ := catalog.TopicNamed(name)
			specs = append(specs,
				messaging.TopicSpec{Name: cfg.Topic(name), Partitions: cfg.TopicPartitions, ReplicationFactor: cfg.ReplicationFactor,
					Config: acceptsUpTo(t.Config(), cfg.MaxMessageBytes)},
				messaging.TopicSpec{Name: messaging.DeadLetterTopic(cfg.Topic(name)), Partitions: cfg.TopicPartitions, ReplicationFactor: cfg.ReplicationFactor,
					Config: acceptsUpTo(catalog.DeadLetterConfig(), cfg.MaxMessageBytes)})
		}
	}
	if len(specs) > 0 {
		if err := untilAnswers(ctx, p.Outages, "start: kafka", func() error {
			return messaging.EnsureTopics(ctx, cfg.KafkaBrokers, p.Transport, specs)
		}); err != nil {
			return nil, err
		}
	}
	p.Producer = messaging.NewProducer(messaging.ProducerConfig{
		Brokers: cfg.KafkaBrokers, Transport: p.Transport, Validator: opts.Validator,
		TracerProvider: p.Telemetry.Tracers, Source: "/werkregio/" + cfg.Region + "/" + cfg.Name,
		MaxMessageBytes: cfg.MaxMessageBytes, SigningKey: p.keys.own,
		WriteTimeout: cfg.ProducerWriteTimeout, WriteAttempts: cfg.ProducerWriteAttempts,
	})
	p.Store.CheckEvents(opts.Validator, cfg.MaxMessageBytes)
	p.Relay = p.Store.NewRelay(p.Producer, store.RelayConfig{Interval: cfg.RelayInterval, Slot: cfg.RelayLeaseSlot, Outages: p.Outages,
		Logger: p.Log, Meter: p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/kit/store")})

	// the contract: the bodies it accepts, the document it publishes, the version it says
	var enforce, serve gin.HandlerFunc
	version := ""
	if opts.OpenAPI != nil {
		doc, err := httpserver.LoadOpenAPI(opts.OpenAPI, opts.OpenAPIRefs)
		if err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		version = doc.Info.Version
		if enforce, err = httpserver.EnforceRequestBodies(doc); err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		published, err := httpserver.LoadOpenAPI(opts.OpenAPI, opts.OpenAPIRefs)
		if err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		if serve, err = httpserver.OpenAPIDocument(published); err != nil {
			return nil, err
		}
	}
	server := httpserver.Options{
		ServiceName:    cfg.Name,
		APIVersion:     version,
		Logger:         p.Log,
		TracerProvider: p.Telemetry.Tracers, MeterProvider: p.Telemetry.Meters,
		MetricsHandler: p.Telemetry.MetricsHandler,
		Upload:         opts.Upload,
		Unavailable:    store.IsUnavailable,
		ReadyChecks: []httpserver.Check{
			{Name: "mongodb", Run: func(ctx context.Context) error { return p.Mongo.Ping(ctx, nil) }},
			{Name: "kafka", Run: func(ctx context.Context) error { return messaging.Ping(ctx, cfg.KafkaBrokers, p.Transport) }},
			{Name: "identity-provider-keys", Run: p.Verifier.Ready},
		},
	}
	p.Engine, p.Operations = httpserver.NewEngine(server), httpserver.Operations(server)
	// every route authenticates before it reads a body: the contract's check of the body
	// runs after the token's
	api := []gin.HandlerFunc{httpserver.Deadline(cfg.RequestTimeout), auth.Authenticate(p.Verifier, cfg.Region)}
	if serve != nil {
		p.Engine.GET(httpserver.OpenAPIPath, serve)
		api = append(api, enforce)
	}
	keys := p.Store.IdempotencyKeys().WithLease(store.IdempotencyLeaseFor(cfg.RequestTimeout))
	p.API = p.Engine.Group("/api/v1", append(api, httpserver.Conditional(), httpserver.Idempotent(keys))...)
	p.AddJob("idempotency-keys-expiry", time.Hour, func(ctx context.Context, now time.Time) error {
		_, err := keys.Expire(ctx, now)
		return err
	})
	p.mountAdmin()
	p.countDeadLetters()
	return p, nil
}

// AddConsumer registers a consumer group member that Run starts. Topics and the group id are
// given without the region's prefix, which the platform adds (one Kafka may serve several
// regions); it fills in the brokers, validator, dead-letter producer, logger and telemetry.
func (p *Platform) AddConsumer(cfg messaging.ConsumerConfig) error {
	if p.service != "" {
		svc, _ := catalog.ServiceNamed(p.service)
		for _, t := range cfg.Topics {
			if !slices.Contains(svc.TopicsOf(), t) {
				return fmt.Errorf("consumer %s reads %s, which the catalog does not list for %s", cfg.GroupID, t, p.service)
			}
		}
	}
	if cfg.Origin == nil {
		cfg.Origin = p.origin(cfg.Topics)
	}
	topics := make([]string, len(cfg.Topics))
	for i, t := range cfg.Topics {
		topics[i] = p.Config.Topic(t)
	}
	cfg.Topics = topics
	cfg.GroupID = p.Config.TopicPrefix + cfg.GroupID
	cfg.Brokers = p.Config.KafkaBrokers
	dialer, err := p.Config.KafkaSecurity.Dialer()
	if err != nil {
		return err
	}
	cfg.Dialer = dialer
	cfg.Validator = p.Validator
	cfg.DeadLetters = p.Producer
	cfg.Keep = p.Store.KeepDeadLetter
	cfg.Outages = p.Outages
	cfg.Logger = p.Log
	cfg.MaxMessageBytes = p.Config.MaxMessageBytes
	cfg.TracerProvider = p.Telemetry.Tracers
	cfg.MeterProvider = p.Telemetry.Meters
	cfg.MaxWait = p.Config.ConsumerMaxWait
	cfg.SessionTimeout, cfg.RebalanceTimeout, cfg.HeartbeatInterval = p.Config.ConsumerSessionTimeout, p.Config.ConsumerRebalanceTimeout, p.Config.ConsumerHeartbeatInterval
	cfg.Healthy = func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return p.Mongo.Ping(ctx, nil)
	}
	if p.Config.ConsumerFast {
		cfg = messaging.FastTimings(cfg)
	}
	c, err := messaging.NewConsumer(cfg)
	if err != nil {
		return err
	}
	p.consumers = append(p.consumers, c)
	return nil
}

// Run serves the API on ln and health, readiness and metrics on ops, relays the outbox and
// runs the consumers until ctx ends, then shuts down gracefully: stop taking requests,
// finish handlers, flush telemetry.
func (p *Platform) Run(ctx context.Context, ln, ops net.Listener) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return httpserver.Serve(gctx, ln, p.Engine, p.Config.ShutdownTimeout) })
	g.Go(func() error { return httpserver.Serve(gctx, ops, p.Operations, p.Config.ShutdownTimeout) })
	g.Go(func() error { p.Relay.Run(gctx); return nil })
	for _, c := range p.consumers {
		g.Go(func() error { return c.Run(gctx) })
	}
	for _, j := range p.jobs {
		g.Go(func() error { p.runJob(gctx, j); return nil })
	}
	p.Log.Info("service started", "addr", ln.Addr().String(), "ops_addr", ops.Addr().String(), "database", p.Config.MongoDatabase, "brokers", p.Config.KafkaBrokers)
	err := g.Wait()
	p.Close()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// Close releases connections and flushes telemetry.
func (p *Platform) Close() {
	p.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.Config.ShutdownTimeout)
		defer cancel()
		_ = p.Producer.Close()
		_ = p.Mongo.Disconnect(ctx)
		_ = p.Telemetry.Shutdown(ctx)
		p.Log.Info("service stopped")
	})
}

// acceptsUpTo adds to a topic's configuration that it takes a record of maxMessageBytes
// (with its headers and batch), when that is more than a broker takes by default: the
// topic, the producer and the consumers agree on the largest event.
func acceptsUpTo(config map[string]string, maxMessageBytes int) map[string]string {
	if maxMessageBytes <= messaging.DefaultMaxMessageBytes {
		return config
	}
	out := maps.Clone(config)
	if out == nil {
		out = map[string]string{}
	}
	out["max.message.bytes"] = strconv.Itoa(maxMessageBytes + 1<<16)
	return out
}
