// Package optimistic is optimistic concurrency: an aggregate's version (the ETag and
// If-Match of its resource), the precondition a request sets, and the retry of a command a
// concurrent change beat.
package optimistic

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/werkregio/platform/services/kit/rules"
)

// StoreVersion is an aggregate's version as its API shows it: the ETag of its resource and the
// If-Match a client sends with a change. Aggregates embed it; the store fills it in on every
// load and save. It is never part of the stored state nor of the JSON body.
type StoreVersion struct {
	N int `json:"-" bson:"-"`
}

// SetStoreVersion is called by the store after a load or a save.
func (r *StoreVersion) SetStoreVersion(n int) { r.N = n }

// CurrentVersion is the version the aggregate was loaded or saved at.
func (r *StoreVersion) CurrentVersion() int { return r.N }

// Versioned is an aggregate that embeds StoreVersion.
type Versioned interface {
	SetStoreVersion(n int)
	CurrentVersion() int
}

// ErrPreconditionFailed: the caller changed an older version than the current one (HTTP
// 412). Unlike ErrConflict it is not retried: the caller must look at the newer version.
var ErrPreconditionFailed = errors.New("the resource changed since the version you sent")

type ifMatchKey struct{}

// Precondition is the version a conditional request expects of the aggregate it changes:
// the first existing aggregate the request saves (the one of its URL). Once that save
// succeeded, further saves of the same request (a handover that moves enrolments along)
// are not bound by it.
type Precondition struct {
	Version int
	met     atomic.Bool
}

// Met records that the aggregate of the request was saved at the expected version.
func (p *Precondition) Met() { p.met.Store(true) }

// Pending reports whether the precondition still applies to the next save.
func (p *Precondition) Pending() bool { return !p.met.Load() }

// WithIfMatch makes the request's change of an existing aggregate conditional on its
// current version being n.
func WithIfMatch(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, ifMatchKey{}, &Precondition{Version: n})
}

// IfMatch is the precondition of a conditional request, if any.
func IfMatch(ctx context.Context) (*Precondition, bool) {
	p, ok := ctx.Value(ifMatchKey{}).(*Precondition)
	return p, ok
}

// Retry reruns an optimistic command a few times when a concurrent change wins.
func Retry(ctx context.Context, f func() error) error {
	var err error
	for range 5 {
		if err = f(); !errors.Is(err, rules.ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}
