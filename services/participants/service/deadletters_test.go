package service_test

import (
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

type deadLetter struct {
	ID, Group, Topic, Type, Source, Reason, Status string
	Replays                                        int
	Outcome                                        *struct{ By, Reason string }
}

func (e *env) deadLetters(t *testing.T, status string) []deadLetter {
	t.Helper()
	var list struct{ Items []deadLetter }
	expect(t, "dead letters", e.r.Call(t, e.admin, "GET", "/api/v1/admin/dead-letters?status="+status, nil, &list), 200)
	return list.Items
}

// A job confirmed by an employer's system the region had not registered yet is refused and
// kept: the administrator sees it with its reason, registers the system (the fix) and
// replays it — the job counts, once, however often it is replayed. A message nobody should
// count is discarded with a reason that stays on it; it cannot be replayed afterwards.
func TestADeadLetterIsSeenReplayedAfterTheFixOrDiscarded(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	e.offerKnown(t, 1, "active", true, start1(day(-20), 5))
	en := e.enrolledBack(t, c, bsns[0], 20)
	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(-20)}, nil), 200)

	job := obj{"enrolmentId": en.ID, "employerKvk": "55667788", "startDate": day(-10), "hoursPerWeek": 32, "contractType": "permanent",
		"confirmedBy": "employer", "reportId": "j1"}
	e.publishFrom(t, "/hr/55667788", catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-new-employer", en.ID, job)
	e.publishFrom(t, "/hr/nobody", catalog.TopicPartnersPlacements, catalog.TypePlacementConfirmed, "pl-nobody", en.ID, job)

	var open []deadLetter
	kittest.Eventually(t, "two dead letters", 15*time.Second, func() bool { open = e.deadLetters(t, "open"); return len(open) == 2 })
	byID := map[string]deadLetter{}
	for _, d := range open {
		if d.Topic != e.pf.Topic(catalog.TopicPartnersPlacements) || d.Type != catalog.TypePlacementConfirmed || d.Reason == "" || d.Group == "" {
			t.Fatalf("dead letter %+v", d)
		}
		byID[d.Source] = d
	}
	if _, ok := kittest.Sample(e.r.Metrics(t), "werkregio_messaging_dead_letters_open"); !ok {
		t.Error("no gauge of open dead letters for the alert")
	}
	expect(t, "a work coach lists dead letters", e.r.Call(t, e.coach, "GET", "/api/v1/admin/dead-letters", nil, nil), 403)

	e.trust(t, "/hr/55667788", "employer", "55667788")
	replay := func(id string) (out struct {
		Replayed []string
		Refused  []struct{ ID, Reason string }
		Open     int
	}) {
		t.Helper()
		expect(t, "replay", e.r.Call(t, e.admin, "POST", "/api/v1/admin/dead-letters/replay", obj{"id": id}, &out), 200)
		return out
	}
	if out := replay(byID["/hr/55667788"].ID); len(out.Replayed) != 1 || out.Open != 1 {
		t.Fatalf("replayed after the fix: %+v", out)
	}
	if out := replay(byID["/hr/55667788"].ID); len(out.Replayed) != 1 {
		t.Fatalf("replayed twice: %+v", out)
	}
	if out := replay(byID["/hr/nobody"].ID); len(out.Refused) != 1 || out.Refused[0].Reason == "" || out.Open != 1 {
		t.Fatalf("replayed without a fix: %+v", out)
	}
	e.r.Call(t, e.coach, "GET", "/api/v1/enrolments/"+en.ID, nil, &en)
	if len(en.Placements) != 1 || en.Status != "placed" {
		t.Fatalf("after the replays: %+v, want the job once", en)
	}

	expect(t, "discard without a reason", e.r.Call(t, e.admin, "POST", "/api/v1/admin/dead-letters/discard", obj{"id": byID["/hr/nobody"].ID, "reason": " "}, nil), 422)
	expect(t, "discard", e.r.Call(t, e.admin, "POST", "/api/v1/admin/dead-letters/discard", obj{"id": byID["/hr/nobody"].ID, "reason": "unknown system; reported to the employer"}, nil), 204)
	expect(t, "replay a discarded one", e.r.Call(t, e.admin, "POST", "/api/v1/admin/dead-letters/replay", obj{"id": byID["/hr/nobody"].ID}, nil), 409)
	expect(t, "replay an unknown one", e.r.Call(t, e.admin, "POST", "/api/v1/admin/dead-letters/replay", obj{"id": "nope"}, nil), 404)
	// one dead letter on its own, as the page that decides on it reads it
	var one struct {
		ID, Status string
		Outcome    *struct{ Reason string }
	}
	expect(t, "one dead letter", e.r.Call(t, e.admin, "GET", "/api/v1/admin/dead-letters/"+byID["/hr/nobody"].ID, nil, &one), 200)
	if one.ID != byID["/hr/nobody"].ID || one.Status != "discarded" || one.Outcome == nil || one.Outcome.Reason == "" {
		t.Fatalf("the dead letter on its own: %+v", one)
	}
	expect(t, "an unknown dead letter", e.r.Call(t, e.admin, "GET", "/api/v1/admin/dead-letters/nope", nil, nil), 404)
	expect(t, "a work coach reads one", e.r.Call(t, e.coach, "GET", "/api/v1/admin/dead-letters/"+byID["/hr/nobody"].ID, nil, nil), 403)
	if open := e.deadLetters(t, "open"); len(open) != 0 {
		t.Fatalf("open after replay and discard: %+v", open)
	}
	gone := e.deadLetters(t, "discarded")
	if len(gone) != 1 || gone[0].Outcome == nil || gone[0].Outcome.By == "" || gone[0].Outcome.Reason != "unknown system; reported to the employer" {
		t.Fatalf("discarded: %+v", gone)
	}
	if done := e.deadLetters(t, "replayed"); len(done) != 1 || done[0].Replays != 1 || done[0].Outcome == nil || done[0].Outcome.By == "" {
		t.Fatalf("replayed: %+v", done)
	}
}
