package httpserver

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

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
		trace.SpanFromContext(c.Request.Context()).SetAttributes(attribute.String("http.request.id", id))
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
func problems(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		err := c.Errors.Last().Err
		p := *problem.From(err)
		span := trace.SpanFromContext(c.Request.Context())
		if p.Status >= 500 {
			log.ErrorContext(c.Request.Context(), "request failed", "error", err.Error(), "route", c.FullPath())
			span.SetStatus(codes.Error, err.Error())
			span.RecordError(err)
		}
		p.Instance = c.FullPath()
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

func bodyLimit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			_ = c.Error(problem.New(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
				fmt.Sprintf("The body may be at most %d bytes.", n)))
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
