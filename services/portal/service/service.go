package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	// Dates on screen are Dutch time, also in an image without a zone database.
	_ "time/tzdata"

	"golang.org/x/sync/errgroup"

	"github.com/werkregio/platform/services/kit/config"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/logging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/telemetry"
	"github.com/werkregio/platform/services/portal/internal/adapters"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/ports"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/signin"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// Main reads the environment and serves until SIGTERM; configuration errors exit 2.
func Main() {
	cfg, err := LoadConfig(config.FromOS())
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", Name, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	var ops net.Listener
	if err == nil {
		ops, err = net.Listen("tcp", cfg.OpsAddr)
	}
	if err == nil {
		err = Run(ctx, cfg, ln, ops, os.Stderr)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", Name, err)
		os.Exit(1)
	}
}

// Run serves the portal on ln, and its health, readiness and metrics on ops, until ctx ends.
func Run(ctx context.Context, cfg Config, ln, ops net.Listener, logOut io.Writer) error {
	log := logging.New(logOut, Name, cfg.LogLevel).With("region", cfg.Region)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: Name, ServiceVersion: cfg.Version, Region: cfg.Region,
		OTLPEndpoint: cfg.OTLPEndpoint, SampleRatio: cfg.SampleRatio})
	if err != nil {
		return err
	}
	defer func() { _ = tel.Shutdown(context.Background()) }()
	var mongoTLS *tls.Config
	if cfg.MongoTLS.Set() {
		if mongoTLS, err = cfg.MongoTLS.Config("mongodb"); err != nil {
			return err
		}
	}
	mongo, err := store.Connect(ctx, cfg.MongoURI, tel.Tracers, mongoTLS)
	if err != nil {
		return err
	}
	defer func() { _ = mongo.Disconnect(context.Background()) }()
	kept, err := adapters.NewSessions(ctx, mongo.Database(cfg.MongoDatabase))
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	sessions, err := session.New(session.Config{Key: cfg.SessionKey, Secure: cfg.SessionSecure, Idle: cfg.SessionIdle, MaxAge: cfg.SessionMaxAge}, kept)
	if err != nil {
		return err
	}
	oidc := signin.New(cfg.OIDC)
	server := httpserver.Options{ServiceName: Name, Logger: log, TracerProvider: tel.Tracers, MeterProvider: tel.Meters,
		MetricsHandler: tel.MetricsHandler, MaxBodyBytes: 64 << 10,
		// The portal takes HTML forms and a bank's file (the API services take JSON only).
		Upload: ports.Accepts,
		ReadyChecks: []httpserver.Check{{Name: "identity-provider", Run: oidc.Ready},
			{Name: "mongodb", Run: func(ctx context.Context) error { return mongo.Ping(ctx, nil) }}}}
	engine := httpserver.NewEngine(server)
	// the client's address is the connection's, or what the ingress in front says it is
	if err := engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	limits := adapters.NewLimits(mongo.Database(cfg.MongoDatabase))
	formKey := hmac.New(sha256.New, cfg.SessionKey)
	formKey.Write([]byte("werkregio portal public forms"))
	srv := &ports.Server{Region: cfg.Region, PublicURL: cfg.PublicURL, App: app.New(adapters.New(cfg.ServiceURLs)), Sessions: sessions, SignIn: oidc,
		Render: web.NewRenderer(), Log: log, Issuer: cfg.OIDC.Issuer, ProcurementPublicURL: cfg.ProcurementPublicURL,
		FormKey: formKey.Sum(nil), Limits: limits}
	srv.Mount(engine)
	log.Info("portal started", "addr", ln.Addr().String(), "ops_addr", ops.Addr().String(), "public_url", cfg.PublicURL)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return httpserver.Serve(gctx, ln, engine, cfg.ShutdownTimeout) })
	g.Go(func() error { return httpserver.Serve(gctx, ops, httpserver.Operations(server), cfg.ShutdownTimeout) })
	g.Go(func() error { purgeSessions(gctx, kept, limits, log); return nil })
	return g.Wait()
}

// purgeSessions forgets ended sessions, and the public pages' counts of passed hours, every
// ten minutes.
func purgeSessions(ctx context.Context, kept *adapters.Sessions, limits *adapters.Limits, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := kept.Purge(ctx, now); err != nil {
				log.Warn("ended sessions not purged", "error", err.Error())
			}
			if _, err := limits.Purge(ctx, now); err != nil {
				log.Warn("public form counts not purged", "error", err.Error())
			}
		}
	}
}
