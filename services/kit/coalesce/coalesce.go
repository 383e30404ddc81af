// Package coalesce turns many concurrent single calls into one call for all of them: a
// consumer that handles many messages at once asks the store one question per message,
// and one query with all the keys costs about what one of them does.
package coalesce

import (
	"context"
	"sync"
)

// Group answers calls for single keys by calling fn with every key asked for meanwhile:
// whoever finds no call under way calls fn with what is queued, then with what was queued
// meanwhile, until none is left. Each caller gets the answer for its key (the zero value
// when fn returns none) or fn's error.
type Group[K comparable, V any] struct {
	fn      func(ctx context.Context, keys []K) (map[K]V, error)
	mu      sync.Mutex
	busy    bool
	pending []call[K, V]
}

type call[K comparable, V any] struct {
	key  K
	done chan result[V]
}

type result[V any] struct {
	v   V
	err error
}

// New makes a group answering with fn.
func New[K comparable, V any](fn func(ctx context.Context, keys []K) (map[K]V, error)) *Group[K, V] {
	return &Group[K, V]{fn: fn}
}

// Do asks for one key.
func (g *Group[K, V]) Do(ctx context.Context, key K) (V, error) {
	done := make(chan result[V], 1)
	g.mu.Lock()
	g.pending = append(g.pending, call[K, V]{key, done})
	leader := !g.busy
	g.busy = true
	g.mu.Unlock()
	if leader {
		for {
			g.mu.Lock()
			batch := g.pending
			g.pending = nil
			if len(batch) == 0 {
				g.busy = false
				g.mu.Unlock()
				break
			}
			g.mu.Unlock()
			keys := make([]K, 0, len(batch))
			seen := make(map[K]bool, len(batch))
			for _, c := range batch {
				if !seen[c.key] {
					seen[c.key] = true
					keys = append(keys, c.key)
				}
			}
			// the answer is for every waiter, whatever this caller's context does
			answers, err := g.fn(context.WithoutCancel(ctx), keys)
			for _, c := range batch {
				c.done <- result[V]{answers[c.key], err}
			}
		}
	}
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
