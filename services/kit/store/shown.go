package store

import (
	"sync"
	"time"
)

// shownSet remembers, for a short while, the commits whose view this process wrote right
// after committing them. The relay checks every commit it relays against its view, to
// repair a writer that died between the two; for the commits in this set it knows the
// answer without asking the database (views never go back a version). Commits written by
// another replica, or by this process before a restart, are not in it and are checked.
//
// It holds two generations of at most shownLimit commits each and forgets a generation
// after shownTTL, so its memory follows the relay's lag, not the history, and a replica
// that does not hold the relay's lease keeps only its last minutes of writes.
type shownSet struct {
	mu       sync.Mutex
	now, old map[string]struct{}
	rotated  time.Time
}

const (
	shownTTL   = time.Minute
	shownLimit = 100_000
)

// add records that the view shows commit id (or a newer one of its stream).
func (s *shownSet) add(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotate()
	if len(s.now) < shownLimit {
		s.now[id] = struct{}{}
	}
}

// take says whether the view is known to show commit id, and forgets it.
func (s *shownSet) take(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotate()
	if _, ok := s.now[id]; ok {
		delete(s.now, id)
		return true
	}
	if _, ok := s.old[id]; ok {
		delete(s.old, id)
		return true
	}
	return false
}

func (s *shownSet) rotate() {
	if s.now == nil {
		s.now, s.old, s.rotated = map[string]struct{}{}, map[string]struct{}{}, time.Now()
		return
	}
	if time.Since(s.rotated) >= shownTTL {
		s.old, s.now, s.rotated = s.now, map[string]struct{}{}, time.Now()
	}
}
