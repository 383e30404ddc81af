package service_test

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A work coach sees the participants of their own organisation (gemeente or UWV office),
// a coordinator the region's; a handover moves a participant and its enrolments along.
func TestAWorkCoachSeesOnlyTheirOwnOrganisationsParticipants(t *testing.T) {
	c := &kittest.Clock{}
	e := start(t, c)
	uwv := e.pf.Token(t, "uwv-groningen", auth.RoleWorkCoach)
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	pid := e.register(t, bsns[0]) // by the gemeente's coach
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(3)), &en), 201)

	expect(t, "UWV coach reads", e.r.Call(t, uwv, "GET", "/api/v1/participants/"+pid, nil, nil), 404)
	expect(t, "UWV coach reads the enrolment", e.r.Call(t, uwv, "GET", "/api/v1/enrolments/"+en.ID, nil, nil), 404)
	expect(t, "UWV coach searches by BSN", e.r.Call(t, uwv, "POST", "/api/v1/participants/search", obj{"bsn": bsns[0]}, nil), 404)
	var prob struct{ Detail string }
	expect(t, "UWV coach registers the same person", e.r.Call(t, uwv, "POST", "/api/v1/participants", participantInput(bsns[0]), &prob), 409)
	if strings.Contains(prob.Detail, pid) {
		t.Errorf("another organisation learns the participant's id: %q", prob.Detail)
	}
	var list struct{ Items []struct{ ID string } }
	expect(t, "UWV coach lists", e.r.Call(t, uwv, "GET", "/api/v1/participants", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Errorf("UWV coach lists %d participants of the gemeente", len(list.Items))
	}
	expect(t, "UWV coach lists enrolments", e.r.Call(t, uwv, "GET", "/api/v1/enrolments", nil, &list), 200)
	if len(list.Items) != 0 {
		t.Errorf("UWV coach lists %d enrolments of the gemeente", len(list.Items))
	}
	expect(t, "coordinator reads", e.r.Call(t, e.coord, "GET", "/api/v1/participants/"+pid, nil, nil), 200)

	// The gemeente hands the participant over to UWV.
	edit := participantInput("")
	delete(edit, "bsn")
	expect(t, "an edit first (the participant's version moves past the enrolment's)",
		e.r.Update(t, e.coach, "PUT", "/api/v1/participants/"+pid, "/api/v1/participants/"+pid, edit, nil), 200)
	// A conditional handover (If-Match on the participant) binds the participant only: its
	// enrolments move along at whatever version they are.
	expect(t, "handover", e.r.Update(t, e.coach, "POST", "/api/v1/participants/"+pid+"/work-coach", "/api/v1/participants/"+pid,
		obj{"subject": "werkcoach@uwv-groningen", "name": "W. Coach", "org": "uwv-groningen"}, nil), 200)
	expect(t, "UWV coach reads after the handover", e.r.Call(t, uwv, "GET", "/api/v1/participants/"+pid, nil, nil), 200)
	expect(t, "UWV coach reads the enrolment after the handover", e.r.Call(t, uwv, "GET", "/api/v1/enrolments/"+en.ID, nil, nil), 200)
	expect(t, "UWV coach lists enrolments", e.r.Call(t, uwv, "GET", "/api/v1/enrolments", nil, &list), 200)
	if len(list.Items) != 1 {
		t.Errorf("UWV coach lists %d enrolments after the handover, want 1", len(list.Items))
	}
	expect(t, "gemeente coach reads after the handover", e.r.Call(t, e.coach, "GET", "/api/v1/participants/"+pid, nil, nil), 404)
}
