package httpserver

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/problem"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-ID"

func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if _, err := uuid.Parse(id); err != nil {
			id = uuid.NewString() // only well-formed ids are echoed, nothing a client can smuggle in
		}
		c.Set(RequestIDHeader, id)
		c.Header(RequestIDHeader, id)
		// The route template replaces the path (and the query is dropped) in the span: a
		// client that types an identifier, or by mistake a BSN, into a URL must not see it
		// kept in a trace store.
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		trace.SpanFromContext(c.Request.Context()).SetAttributes(attribute.String("http.request.id", id),
			attribute.String("url.path", route), attribute.String("url.query", ""))
		c.Next()
	}
}

// accessLog writes one line per request. Only the route template is logged, never the raw
// path or query, so identifiers typed into a URL cannot leak into logs.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		if isOperational(c.Request.URL.Path) {
			return
		}
		log.InfoContext(c.Request.Context(), "http request",
			"method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(),
			"duration_ms", time.Since(start).Milliseconds(), "request_id", c.GetString(RequestIDHeader))
	}
}

// problems renders the last error recorded by a handler as problem+json.
func problems(log *slog.Logger, unavailable func(error) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		p := *problem.From(err)
		if p.Status == http.StatusInternalServerError && unavailable != nil && unavailable(err) {
			// the store or the broker did not answer in time: the request changed nothing
			// (a retry with its Idempotency-Key runs it once) and may be sent again
			log.WarnContext(c.Request.Context(), "request failed: a dependency is unavailable", "error", privacy.RedactError(err).Error(), "route", c.FullPath())
			p = *problem.KindUnavailable.New("The service cannot reach its database or broker at the moment; repeat the request shortly (with the same Idempotency-Key).")
			c.Header("Retry-After", "5")
		}
		span := trace.SpanFromContext(c.Request.Context())
		if p.Status == http.StatusInternalServerError {
			err = privacy.RedactError(err)
			log.ErrorContext(c.Request.Context(), "request failed", "error", err.Error(), "route", c.FullPath())
			span.SetStatus(codes.Error, err.Error())
			span.RecordError(err)
		}
		// Details quote input, which may hold a BSN in a field where it does not belong:
		// the problem never echoes one, not even to its own caller.
		p.Detail = privacy.Redact(p.Detail)
		p.Params = redactAll(p.Params)
		p.Instance = privacy.Redact(c.Request.URL.Path) // the request this problem is about (RFC 9457, 3.1.5)
		if len(p.Errors) > 0 {
			errs := make([]problem.FieldError, len(p.Errors))
			for i, fe := range p.Errors {
				errs[i] = problem.FieldError{Field: privacy.Redact(fe.Field), Reason: privacy.Redact(fe.Reason), Rule: fe.Rule, Params: redactAll(fe.Params)}
			}
			p.Errors = errs
		}
		p.RequestID = c.GetString(RequestIDHeader)
		if sc := span.SpanContext(); sc.IsValid() {
			p.TraceID = sc.TraceID().String()
		}
		c.Header("Content-Type", problem.ContentType)
		c.JSON(p.Status, p)
	}
}

func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(c.Request.Context(), "panic in handler", "panic", fmt.Sprint(r))
				_ = c.Error(fmt.Errorf("panic: %v", r))
				c.Abort()
			}
		}()
		c.Next()
	}
}

func bodyLimit(n int64, upload func(*http.Request) (int64, bool)) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := n
		if upload != nil {
			if max, ok := upload(c.Request); ok {
				n = max
			}
		}
		if c.Request.ContentLength > n {
			_ = c.Error(problem.KindTooLarge.New(fmt.Sprintf("The body may be at most %d bytes.", n)))
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// mediaType refuses a body that is not JSON (415): the API reads nothing else, and a form
// or text body must not be guessed at.
func mediaType(upload func(*http.Request) (int64, bool)) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		if upload != nil {
			if _, ok := upload(r); ok {
				c.Next()
				return
			}
		}
		if r.ContentLength == 0 || (r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch) {
			c.Next()
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			_ = c.Error(problem.KindUnsupportedMediaType.New("Send the body as JSON with Content-Type: application/json."))
			c.Abort()
			return
		}
		c.Next()
	}
}

// noStore keeps every API answer out of caches: answers may hold personal data (a
// participant, the names in an audit trail) and are for their caller only. Clients keep
// their own copy and use its ETag with If-Match.
func noStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !isOperational(c.Request.URL.Path) {
			c.Header("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// Deadline bounds a request's work: what has not answered by then (a hung database, a
// failing-over replica set) ends with the request's context, and the request answers 503
// with Retry-After instead of hanging.
func Deadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// redactAll redacts every parameter of a rule (a parameter quotes input too).
func redactAll(params []string) []string {
	if params == nil {
		return nil
	}
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = privacy.Redact(p)
	}
	return out
}
