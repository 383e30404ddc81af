// Package httpserver builds the gin engine every service uses: tracing, request ids,
// RFC 9457 errors, a body size limit, graceful shutdown; and the internal listener's
// health, readiness and metrics.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/services/kit/problem"
)

// Check reports whether a dependency is reachable; /readyz runs every check.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Options configure the engine.
type Options struct {
	ServiceName string
	// APIVersion is the contract's info.version, said on every answer (API-Version).
	APIVersion     string
	Logger         *slog.Logger
	TracerProvider trace.TracerProvider
	// MeterProvider records the RED metrics per route (http.server.request.duration:
	// rate and errors by status code, duration by route); nil: the global one.
	MeterProvider metric.MeterProvider
	// MetricsHandler and ReadyChecks serve the internal listener (Operations).
	MetricsHandler http.Handler
	ReadyChecks    []Check
	// Unavailable says an error means a dependency could not be reached in time: the
	// request answers 503 unavailable with Retry-After, not 500.
	Unavailable  func(error) bool
	MaxBodyBytes int64
	// Upload names the routes that take a document instead of JSON (evidence: a PDF, a
	// scan) and their body limit; the handler checks the document's type.
	Upload func(r *http.Request) (maxBytes int64, ok bool)
}

// NewEngine returns a gin engine with the platform middleware installed.
func NewEngine(o Options) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	mp := o.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(
		APIVersion(o.APIVersion),
		otelgin.Middleware(o.ServiceName,
			otelgin.WithTracerProvider(o.TracerProvider),
			otelgin.WithMeterProvider(mp),
			otelgin.WithGinFilter(func(c *gin.Context) bool { return !isOperational(c.Request.URL.Path) }),
		),
		requestID(),
		noStore(),
		accessLog(o.Logger),
		problems(o.Logger, o.Unavailable),
		recovery(o.Logger),
		bodyLimit(o.MaxBodyBytes, o.Upload),
		mediaType(o.Upload),
	)
	r.NoRoute(func(c *gin.Context) { _ = c.Error(problem.NotFound("No such resource: " + c.Request.URL.Path)) })
	r.NoMethod(func(c *gin.Context) {
		_ = c.Error(problem.KindMethodNotAllowed.New(c.Request.Method + " is not supported here."))
	})

	// a load balancer may ask whether the process lives; nothing else operational is here
	r.GET("/healthz", alive)
	return r
}

func alive(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// Operations is the handler of the internal listener (OPS_ADDR), for the kubelet and the
// metrics scraper only: /healthz, /readyz (each dependency and its error) and /metrics
// (volumes of the business). No ingress routes to it; the public listener does not have
// the last two.
func Operations(o Options) http.Handler {
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/healthz", alive)
	r.GET("/readyz", func(c *gin.Context) {
		code, status := ready(c.Request.Context(), o.ReadyChecks, readyTimeout)
		c.JSON(code, gin.H{"status": map[bool]string{true: "ready", false: "not ready"}[code == http.StatusOK], "checks": status})
	})
	if o.MetricsHandler != nil {
		r.GET("/metrics", gin.WrapH(o.MetricsHandler))
	}
	return r
}

func isOperational(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// Serve runs the engine on ln until ctx ends, then drains requests for up to grace.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration) error {
	srv := &http.Server{Handler: h,
		// A slow or stalled client holds a connection for seconds, not for ever.
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readyTimeout bounds /readyz: a hung dependency (a stopped process, a black-holed port)
// makes it answer "not ready" in time, never hang past the kubelet's probe timeout.
const readyTimeout = 1500 * time.Millisecond

// ready runs the checks at once, each within timeout; one that has not answered by then is
// reported as such.
func ready(ctx context.Context, checks []Check, timeout time.Duration) (int, map[string]string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(checks))
	for _, chk := range checks {
		go func() { results <- result{chk.Name, chk.Run(ctx)} }()
	}
	status, code := map[string]string{}, http.StatusOK
	for _, chk := range checks {
		status[chk.Name] = fmt.Sprintf("no answer within %s", timeout)
	}
	for range checks {
		select {
		case r := <-results:
			if r.err != nil {
				status[r.name], code = r.err.Error(), http.StatusServiceUnavailable
			} else {
				status[r.name] = "ok"
			}
		case <-ctx.Done():
			return http.StatusServiceUnavailable, status
		}
	}
	return code, status
}
