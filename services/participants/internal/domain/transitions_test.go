package domain

import (
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

// enrolmentIn builds an enrolment in a given status the way the lifecycle gets there.
func enrolmentIn(t *testing.T, status Status, placementFirst bool) *Enrolment {
	t.Helper()
	e := enrolled(t, placementFirst, civil.NewDate(2026, 3, 2))
	at := now.AddDate(0, 3, 0)
	steps := map[Status][]func() error{
		StatusEnrolled:   nil,
		StatusStarted:    {func() error { return e.Start(civil.NewDate(2026, 3, 2), nil, now, "p") }},
		StatusCompleted:  {func() error { return e.Start(civil.NewDate(2026, 3, 2), nil, now, "p") }, func() error { return e.Complete(civil.DateOf(at), 300*60, at, "p") }},
		StatusDroppedOut: {func() error { return e.DropOut("moved", civil.DateOf(now), now, "c") }},
	}
	place := func(start civil.Date) func() error {
		return func() error {
			_, err := e.Place(job("87654321", start, civil.Date{}), "workcoach", at, "c")
			return err
		}
	}
	steps[StatusPlaced] = append(append([]func() error{}, steps[StatusCompleted]...), place(civil.DateOf(at)))
	steps[StatusSustainablyPlaced] = append(append([]func() error{}, steps[StatusCompleted]...), place(civil.DateOf(at).AddMonths(-7)))
	for _, step := range steps[status] {
		if err := step(); err != nil {
			t.Fatalf("getting to %s: %v", status, err)
		}
	}
	if e.Status != status {
		t.Fatalf("got to %s, want %s", e.Status, status)
	}
	return e
}

// TestEveryTransitionIsGuarded tries every action in every status: only the lifecycle's
// forward steps are allowed, every other one is refused and leaves the enrolment as it was.
func TestEveryTransitionIsGuarded(t *testing.T) {
	later := now.AddDate(0, 4, 0)
	actions := map[string]func(e *Enrolment) error{
		"start":    func(e *Enrolment) error { return e.Start(civil.NewDate(2026, 3, 2), nil, later, "p") },
		"complete": func(e *Enrolment) error { return e.Complete(civil.DateOf(later), 300*60, later, "p") },
		"place": func(e *Enrolment) error {
			_, err := e.Place(job("11223344", civil.DateOf(later), civil.Date{}), "workcoach", later, "c")
			return err
		},
		"dropout": func(e *Enrolment) error { return e.DropOut("reason", civil.DateOf(later), later, "c") },
	}
	type key struct {
		from           Status
		action         string
		placementFirst bool
	}
	allowed := map[key]Status{
		{StatusEnrolled, "start", false}:    StatusStarted,
		{StatusEnrolled, "dropout", false}:  StatusDroppedOut,
		{StatusStarted, "complete", false}:  StatusCompleted,
		{StatusStarted, "dropout", false}:   StatusDroppedOut,
		{StatusCompleted, "place", false}:   StatusPlaced,
		{StatusCompleted, "dropout", false}: StatusDroppedOut,
		{StatusPlaced, "place", false}:      StatusPlaced, // a further job in the run
		{StatusPlaced, "dropout", false}:    StatusDroppedOut,

		{StatusEnrolled, "start", true}:    StatusStarted,
		{StatusEnrolled, "dropout", true}:  StatusDroppedOut,
		{StatusStarted, "complete", true}:  StatusCompleted,
		{StatusStarted, "place", true}:     StatusPlaced, // the product allows placement first
		{StatusStarted, "dropout", true}:   StatusDroppedOut,
		{StatusCompleted, "place", true}:   StatusPlaced,
		{StatusCompleted, "dropout", true}: StatusDroppedOut,
		{StatusPlaced, "place", true}:      StatusPlaced,
		{StatusPlaced, "dropout", true}:    StatusDroppedOut,
	}
	for _, placementFirst := range []bool{false, true} {
		for _, from := range Statuses {
			for name, act := range actions {
				e := enrolmentIn(t, from, placementFirst)
				if from == StatusCompleted && placementFirst && name == "complete" {
					continue // covered below: completion is recorded once
				}
				before := len(e.History)
				err := act(e)
				want, ok := allowed[key{from, name, placementFirst}]
				switch {
				case ok && err != nil:
					t.Errorf("%s → %s (placement first %v): refused: %v", from, name, placementFirst, err)
				case ok && e.Status != want:
					t.Errorf("%s → %s: status %s, want %s", from, name, e.Status, want)
				case !ok && err == nil:
					t.Errorf("%s → %s (placement first %v): allowed, want refused", from, name, placementFirst)
				case !ok && (!isState(err) || e.Status != from || len(e.History) != before):
					t.Errorf("%s → %s: want a state error and no change, got %v, status %s", from, name, err, e.Status)
				}
			}
		}
	}
}

func TestCompletionAfterPlacementFirstIsRecordedOnce(t *testing.T) {
	e := enrolmentIn(t, StatusStarted, true)
	at := now.AddDate(0, 1, 0)
	if _, err := e.Place(job("87654321", civil.DateOf(at), civil.Date{}), "workcoach", at, "c"); err != nil {
		t.Fatal(err)
	}
	if err := e.Complete(civil.DateOf(at), 300*60, at, "p"); err != nil || e.Status != StatusPlaced || e.CompletedOn.IsZero() {
		t.Fatalf("completion after placement: %v %s", err, e.Status)
	}
	if err := e.Complete(civil.DateOf(at), 300*60, at, "p"); !isState(err) {
		t.Fatalf("second completion: %v", err)
	}
}
