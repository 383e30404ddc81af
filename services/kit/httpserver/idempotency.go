package httpserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/problem"
	"github.com/werkregio/platform/services/kit/requestkey"
)

// IdempotencyKeyHeader names a client's key for one intended change.
const IdempotencyKeyHeader = "Idempotency-Key"

// ReplayedHeader marks a response repeated from an earlier request with the same key.
const ReplayedHeader = "Idempotent-Replayed"

// StoredResponse is the first answer to a key, repeated to every retry.
type StoredResponse struct {
	Status int
	Header map[string]string
	Body   []byte
}

// IdempotencyClaim is what a key store knows about a key when a request claims it.
type IdempotencyClaim struct {
	// Claimed: this request runs (a new key, or one whose earlier run stopped half-way).
	Claimed bool
	// Fingerprint of the request that holds the key.
	Fingerprint string
	// Response, when that request finished.
	Response *StoredResponse
}

// IdempotencyStore keeps keys and first responses (MongoDB in the services).
type IdempotencyStore interface {
	Claim(ctx context.Context, id, fingerprint string, now time.Time) (IdempotencyClaim, error)
	Finish(ctx context.Context, id string, r StoredResponse) error
	Release(ctx context.Context, id string) error
}

// replayHeaders are the response headers a replay repeats.
var replayHeaders = []string{"Content-Type", "Location", "ETag"}

// Idempotent lets a client repeat a POST safely (draft-ietf-httpapi-idempotency-key-header):
// with the same Idempotency-Key and the same request, a retry after a timeout gets the
// first answer (status, body, Location) instead of a second effect or a conflict; the same
// key with another request is 422; a retry while the first is still running is 409. Keys
// are per caller (region and subject), so one client can never see another's answer.
// Only successful answers are kept: a request that failed changed nothing, so its retry
// runs again. A handler that returns data that must never be stored (a revealed BSN) calls
// Sensitive, and its key is released.
func Idempotent(keys IdempotencyStore) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyKeyHeader)
		if c.Request.Method != http.MethodPost || key == "" {
			c.Next()
			return
		}
		if len(key) > 255 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			abortWith(c, problem.BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters; a UUID is a good choice."))
			return
		}
		body, err := ReadBody(c)
		if err != nil {
			abortWith(c, problem.KindTooLarge.New("The body could not be read in full."))
			return
		}
		p := auth.Of(c)
		id := digest([]byte(p.Region), []byte(p.Subject), []byte(key))
		fingerprint := digest([]byte(c.Request.Method), []byte(c.Request.URL.RequestURI()), []byte(c.GetHeader("If-Match")), body)
		// the app derives a new aggregate's id from it (requestkey.NewID): a retry after a crash
		// between the save and the kept answer finds what it made
		c.Request = c.Request.WithContext(requestkey.With(c.Request.Context(), id))
		claim, err := keys.Claim(c, id, fingerprint, time.Now())
		if err != nil {
			_ = c.Error(err) // a 500 that hides the cause
			c.Abort()
			return
		}
		switch {
		case claim.Fingerprint != fingerprint:
			abortWith(c, problem.KindIdempotencyKeyReused.New("This Idempotency-Key was sent with another request (path or body); use a new key for a new change."))
			return
		case claim.Response != nil:
			for k, v := range claim.Response.Header {
				c.Header(k, v)
			}
			c.Header(ReplayedHeader, "true")
			c.Data(claim.Response.Status, claim.Response.Header["Content-Type"], claim.Response.Body)
			c.Abort()
			return
		case !claim.Claimed:
			abortWith(c, problem.KindIdempotencyKeyInUse.New("A request with this Idempotency-Key is still being processed; repeat it in a moment to get its answer."))
			return
		}
		rec := &recorder{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		status := rec.Status()
		// A background context: the answer must be kept (or the key released) even when the
		// client has gone, which is exactly when it will retry.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
		defer cancel()
		if len(c.Errors) > 0 || status < 200 || status > 299 || c.GetBool(sensitiveKey) {
			_ = keys.Release(ctx, id)
			return
		}
		stored := StoredResponse{Status: status, Header: map[string]string{}, Body: rec.body.Bytes()}
		for _, h := range replayHeaders {
			if v := rec.Header().Get(h); v != "" {
				stored.Header[h] = v
			}
		}
		if err := keys.Finish(ctx, id, stored); err != nil {
			_ = c.Error(err) // logged; the change itself is done
		}
	}
}

const (
	sensitiveKey = "werkregio.sensitive-response"
	bodyKey      = "werkregio.request-body"
)

// ReadBody is the request's body, read once: whoever reads it first (the idempotency
// check fingerprints it) keeps it for the handler, so a 10 MB document is held in memory
// once, not once per reader. Its buffer is sized by Content-Length (already bounded by
// the body limit), not grown by doubling.
func ReadBody(c *gin.Context) ([]byte, error) {
	if b, ok := c.Get(bodyKey); ok {
		return b.([]byte), nil
	}
	body := make([]byte, 0, min(max(c.Request.ContentLength, 0), 64<<20)+bytes.MinRead)
	for {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)] // only when Content-Length was wrong
		}
		n, err := c.Request.Body.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	c.Set(bodyKey, body)
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// Sensitive marks a response that no store may keep (Cache-Control and idempotency alike).
func Sensitive(c *gin.Context) {
	c.Set(sensitiveKey, true)
	c.Header("Cache-Control", "no-store")
}

func digest(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		_, _ = h.Write(p)
		_, _ = h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// recorder keeps a copy of the body a handler writes.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
