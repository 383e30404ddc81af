package service_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/werkregio/platform/services/kit/kittest"
)

// A work coach's stale copy never overwrites a consent withdrawal made in between: a PUT
// names the version it was made on, and an older one is refused.
func TestAStaleUpdateCannotUndoAConsentWithdrawal(t *testing.T) {
	e := start(t, &kittest.Clock{})
	id := e.register(t, bsns[0])
	path := "/api/v1/participants/" + id

	status, h := e.r.CallWith(t, e.coach, "GET", path, nil, nil, nil)
	expect(t, "get", status, 200)
	copyA := h.Get("ETag") // coach A opens the participant...
	if copyA != `"1"` {
		t.Fatalf("ETag %q after registration, want \"1\"", copyA)
	}
	if status, _ := e.r.CallWith(t, e.coach, "GET", path, http.Header{"If-None-Match": {copyA}}, nil, nil); status != 304 {
		t.Errorf("GET with the current ETag: %d, want 304", status)
	}

	withdrawn := participantInput("")
	delete(withdrawn, "bsn")
	withdrawn["consent"] = map[string]any{"purpose": "begeleiding naar werk via werkregio", "givenOn": day(-10), "withdrawnOn": day(0)}
	status, h = e.r.CallWith(t, e.coord, "PUT", path, http.Header{"If-Match": {copyA}}, withdrawn, nil) // ...the coordinator records a withdrawal
	expect(t, "withdrawal", status, 200)
	if h.Get("ETag") != `"2"` {
		t.Errorf("ETag after the change %q, want \"2\"", h.Get("ETag"))
	}

	stale := participantInput("")
	delete(stale, "bsn")
	stale["name"] = "J. de Vries-Bakker"
	var prob struct{ Type, Instance string }
	status, _ = e.r.CallWith(t, e.coach, "PUT", path, http.Header{"If-Match": {copyA}}, stale, &prob) // ...and A saves its old copy
	expect(t, "stale update", status, 412)
	if prob.Type != "https://werkregio.nl/problems/precondition-failed" || prob.Instance != path {
		t.Errorf("problem %+v", prob)
	}
	expect(t, "update without If-Match", e.r.Call(t, e.coach, "PUT", path, stale, &prob), 428)

	var now struct {
		Name    string
		Consent struct{ WithdrawnOn string }
	}
	e.r.Call(t, e.coach, "GET", path, nil, &now)
	if now.Consent.WithdrawnOn != day(0) || now.Name != "J. de Vries" {
		t.Fatalf("after a stale update: %+v", now)
	}
}

// A client that retries a POST after a timeout gets the first answer, and the change
// happens once; the same key for another request is refused; a key is per caller.
func TestARetriedPostWithItsIdempotencyKeyHasOneEffect(t *testing.T) {
	e := start(t, &kittest.Clock{})
	key := http.Header{"Idempotency-Key": {"0b9f6f0e-7a3e-4a55-9b1e-2f6c1c9d7a10"}}

	var first, again struct{ ID string }
	status, h1 := e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key, participantInput(bsns[1]), &first)
	expect(t, "register", status, 201)
	if h1.Get("Location") != "/api/v1/participants/"+first.ID {
		t.Errorf("Location %q", h1.Get("Location"))
	}
	status, h2 := e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key, participantInput(bsns[1]), &again)
	expect(t, "the same request again", status, 201) // not 409 "already registered"
	if again.ID != first.ID || h2.Get("Location") != h1.Get("Location") || h2.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %s %q %q", again.ID, h2.Get("Location"), h2.Get("Idempotent-Replayed"))
	}

	var prob struct{ Type string }
	status, _ = e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key, participantInput(bsns[2]), &prob)
	expect(t, "same key, another body", status, 422)
	if prob.Type != "https://werkregio.nl/problems/idempotency-key-reused" {
		t.Errorf("problem type %s", prob.Type)
	}

	// Another caller's key space: the same key is a new request there.
	other := e.pf.Token(t, "uwv-groningen", "workcoach")
	status, _ = e.r.CallWith(t, other, "POST", "/api/v1/participants", key, participantInput(bsns[3]), nil)
	expect(t, "same key, another caller", status, 201)

	// Ten retries at once after a timeout: one effect, and every answer is the first one or
	// "still running".
	key2 := http.Header{"Idempotency-Key": {"retry-storm-1"}}
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	ids := make([]string, 10)
	for i := range 10 {
		wg.Go(func() {
			var p struct{ ID string }
			statuses[i], _ = e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key2, participantInput(bsns[4]), &p)
			ids[i] = p.ID
		})
	}
	wg.Wait()
	created := ""
	for i, s := range statuses {
		switch s {
		case 201:
			if created != "" && ids[i] != created {
				t.Errorf("two participants from one key: %s and %s", created, ids[i])
			}
			created = ids[i]
		case 409:
		default:
			t.Errorf("retry answered %d", s)
		}
	}
	var list struct{ Items []struct{ ID string } }
	e.r.Call(t, e.coord, "GET", "/api/v1/participants?limit=500", nil, &list)
	if len(list.Items) != 3 {
		t.Errorf("%d participants, want 3 (one per intended registration)", len(list.Items))
	}

	// A failed request keeps nothing: its retry runs again.
	bad := participantInput("123")
	key3 := http.Header{"Idempotency-Key": {"failed-once"}}
	status, _ = e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key3, bad, nil)
	expect(t, "invalid", status, 422)
	status, _ = e.r.CallWith(t, e.coach, "POST", "/api/v1/participants", key3, bad, nil)
	expect(t, "invalid again", status, 422)

	// A revealed BSN is never kept for a replay.
	reveal := http.Header{"Idempotency-Key": {"reveal-1"}}
	var r1 struct{ BSN string }
	status, h := e.r.CallWith(t, e.coord, "POST", "/api/v1/participants/"+first.ID+"/bsn-reveal", reveal, map[string]string{"reason": "controle UWV"}, &r1)
	expect(t, "reveal", status, 200)
	if r1.BSN != bsns[1] || !strings.Contains(h.Get("Cache-Control"), "no-store") || h.Get("Idempotent-Replayed") != "" {
		t.Errorf("reveal %q, Cache-Control %q", r1.BSN, h.Get("Cache-Control"))
	}
	_, h = e.r.CallWith(t, e.coord, "POST", "/api/v1/participants/"+first.ID+"/bsn-reveal", reveal, map[string]string{"reason": "controle UWV"}, nil)
	if h.Get("Idempotent-Replayed") != "" {
		t.Error("a BSN reveal was answered from the idempotency store")
	}
}
