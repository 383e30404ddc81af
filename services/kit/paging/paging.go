// Package paging is how every list of the platform is paged: a page size within limits, an
// opaque cursor to continue after the last item, and optionally only what changed since a
// moment (for partner systems that synchronise). No I/O happens here.
package paging

import "time"

// Page sizes of every list: a default that suits a screen and a ceiling that keeps one
// answer small.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Request asks for one page.
type Request struct {
	Limit int
	// After is the cursor of the previous page ("" for the first page).
	After string
	// UpdatedSince lists what changed at or after this moment, oldest change first;
	// otherwise the order is by creation, oldest first.
	UpdatedSince time.Time
}

// Page is one page and the cursor of the next ("" on the last page).
type Page[T any] struct {
	Items []T
	Next  string
}

// Map converts a page's items, keeping its cursor.
func Map[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Items: make([]U, len(p.Items)), Next: p.Next}
	for i, it := range p.Items {
		out.Items[i] = f(it)
	}
	return out
}
