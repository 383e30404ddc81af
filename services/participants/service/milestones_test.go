package service_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A terms change published after an enrolment but effective on or before its start applies
// to it: the started milestone, which payments pays by, carries the new tranche split.
func TestEnrolledBeforeATermsChangeStartedAfterItGetsTheNewTerms(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(0), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(0)), &en), 201)
	if en.Terms.Version != 1 {
		t.Fatalf("terms at enrolment: version %d", en.Terms.Version)
	}

	// The buyer changes the terms from today on (Bouw & Techniek: 40/40/20); the offer follows.
	changed := offerEvent(2, "active", false, start1(day(0), 5))
	product := changed["products"].([]obj)[0]
	product["terms"] = append(product["terms"].([]obj), obj{"version": 2, "effectiveFrom": day(0), "maxPriceCents": 100000, "minAttendanceHours": 256,
		"requiredCertificates": []string{"VCA"}, "placementBeforeCompletion": false,
		"tranches": []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 40}, {"milestone": "sustainably_placed", "percent": 20}}})
	e.publish(t, catalog.TopicProvidersOffers, catalog.TypeOfferChanged, "offer-2-terms", contractID, changed)
	kittest.Eventually(t, "offer with the new terms", 15*time.Second, func() bool { return e.offerRevision(t) >= 2 })

	expect(t, "start", e.r.Call(t, e.provA, "POST", "/api/v1/enrolments/"+en.ID+"/start", obj{"on": day(0)}, &en), 200)
	if en.Terms.Version != 2 {
		t.Errorf("started after the change: terms version %d, want 2", en.Terms.Version)
	}
	msgs := e.milestones(t, 2)
	var started struct {
		Milestone string
		Terms     struct {
			Version  int
			Tranches []struct{ Percent int }
		}
	}
	_ = json.Unmarshal(msgs[1].Value, &started)
	if started.Milestone != "started" || started.Terms.Version != 2 || started.Terms.Tranches[1].Percent != 40 {
		t.Errorf("started milestone: %+v, want terms version 2 (40/40/20)", started)
	}
}
