package rules

import (
	"context"
	"errors"
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

// WithIfMatch makes every change of an existing aggregate in ctx conditional on its
// current version being n (a conditional request changes the one aggregate of its URL).
func WithIfMatch(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, ifMatchKey{}, n)
}

// IfMatch is the version a conditional request expects, if any.
func IfMatch(ctx context.Context) (int, bool) {
	n, ok := ctx.Value(ifMatchKey{}).(int)
	return n, ok
}
