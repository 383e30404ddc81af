package store

import "testing"

// The relay may skip its view check only for commits the writer reported, once each.
func TestShownCommitsAreTakenOnce(t *testing.T) {
	var s shownSet
	s.add("thing-a/1")
	if s.take("thing-b/1") {
		t.Error("a commit nobody reported is not known")
	}
	if !s.take("thing-a/1") {
		t.Error("a reported commit is known")
	}
	if s.take("thing-a/1") {
		t.Error("a commit is taken once")
	}
	for i := range shownLimit + 10 {
		s.add(commitID("thing-x", i+1))
	}
	if n := len(s.now) + len(s.old); n > shownLimit {
		t.Errorf("holds %d commits, at most %d", n, shownLimit)
	}
}
