// Package requestkey carries a request's Idempotency-Key to the ids it makes: a request
// repeated with its key makes the same ids, so a retry after a crash finds what it made.
package requestkey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/werkregio/platform/services/kit/rules"
)

type requestKey struct{}

// With marks the context with the caller's idempotency key (already scoped to
// the caller: region and subject); the HTTP kit sets it for a POST with an Idempotency-Key.
func With(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, requestKey{}, key)
}

// From is the caller's idempotency key of this request, if it sent one.
func From(ctx context.Context) (string, bool) {
	k, ok := ctx.Value(requestKey{}).(string)
	return k, ok && k != ""
}

// NewID is a new aggregate's id, <prefix>-<20 hex>: derived from the request's idempotency
// key when the caller sent one, random otherwise. A crash after the aggregate was saved but
// before the answer was kept lets the client's retry run again; with the same id its save
// finds the aggregate made (rules.ErrConflict) and the command answers with it (see Made)
// instead of making a second one.
func NewID(ctx context.Context, prefix string) string { return NewIDOf(ctx, prefix+"-", 10) }

// NewIDOf is NewID of a format of the service's own: prefix and n bytes in hex (payment
// runs keep their ids short: the bank's message id is made of them).
func NewIDOf(ctx context.Context, prefix string, n int) string {
	if k, ok := From(ctx); ok {
		sum := sha256.Sum256([]byte(prefix + "\x00" + k))
		return prefix + hex.EncodeToString(sum[:min(n, len(sum))])
	}
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// MadeBefore answers a create whose save failed because this very request made the
// aggregate before a crash cut off its answer (Made): it loads what was made. ok false (not
// Made, or the load failed): the save's error stands.
func MadeBefore[T any](ctx context.Context, err error, load func() (T, error)) (made T, ok bool) {
	if !Made(ctx, err) {
		return made, false
	}
	made, lerr := load()
	return made, lerr == nil
}

// Made says whether a failed save of a new aggregate means it was made before by this
// very request (same idempotency key, hence same id): the command then answers with what
// exists.
func Made(ctx context.Context, err error) bool {
	_, keyed := From(ctx)
	return keyed && err != nil && errors.Is(err, rules.ErrConflict)
}
