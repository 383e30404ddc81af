package service_test

import (
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/participants/service"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	guidance  = []auth.Role{auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin}
	lifecycle = append(guidance[:3:3], auth.RoleProvider)
	readers   = append(lifecycle[:4:4], auth.RoleFinance)
	coachOnly = []auth.Role{auth.RoleWorkCoach}
	ownOrg    = []auth.Role{auth.RoleWorkCoach, auth.RoleProvider}
	adminOnly = []auth.Role{auth.RoleAdmin}
)

// participantsAccess is who may do what: every operation of the document has a rule.
var participantsAccess = map[string]kittest.Rule{
	"listParticipants":         {Roles: guidance, OwnOrg: coachOnly},
	"askForSupport":            {Public: true},
	"listSupportRequests":      {Roles: rmtTeam},
	"getSupportRequest":        {Roles: rmtTeam},
	"pickUpSupportRequest":     {Roles: []auth.Role{auth.RoleAdviser}},
	"adviseOnSupportRequest":   {Roles: []auth.Role{auth.RoleAdviser}},
	"referSupportRequest":      {Roles: []auth.Role{auth.RoleAdviser}},
	"closeSupportRequest":      {Roles: []auth.Role{auth.RoleAdviser}},
	"referralPartners":         {Roles: rmtTeam},
	"confirmSupportRequest":    {Public: true},
	"registerParticipant":      {Roles: guidance},
	"searchParticipantByBsn":   {Roles: guidance, OwnOrg: coachOnly},
	"getParticipant":           {Roles: guidance, OwnOrg: coachOnly},
	"updateParticipant":        {Roles: guidance, OwnOrg: coachOnly},
	"assignWorkCoach":          {Roles: guidance, OwnOrg: coachOnly},
	"revealBsn":                {Roles: []auth.Role{auth.RoleCoordinator}},
	"exportParticipant":        {Roles: []auth.Role{auth.RoleCoordinator}},
	"eraseParticipant":         {Roles: []auth.Role{auth.RoleCoordinator}},
	"participantAudit":         {Roles: guidance, OwnOrg: coachOnly},
	"addPraktijkverklaring":    {Roles: guidance, OwnOrg: coachOnly},
	"startBbl":                 {Roles: guidance, OwnOrg: coachOnly},
	"praktijkverklaringReport": {Roles: guidance},
	"outcomesReport":           {Roles: readers},
	"listEnrolments":           {Roles: readers, OwnOrg: ownOrg},
	"enrol":                    {Roles: guidance, OwnOrg: coachOnly},
	"getEnrolment":             {Roles: readers, OwnOrg: ownOrg},
	"enrolmentAudit":           {Roles: readers, OwnOrg: ownOrg},
	"startEnrolment":           {Roles: lifecycle, OwnOrg: ownOrg},
	"completeEnrolment":        {Roles: lifecycle, OwnOrg: ownOrg},
	"dropOut":                  {Roles: lifecycle, OwnOrg: ownOrg},
	"recordPlacement":          {Roles: guidance, OwnOrg: coachOnly},
	"endJob":                   {Roles: guidance, OwnOrg: coachOnly},
	"getAttendance":            {Roles: readers, OwnOrg: ownOrg},
	"reportAttendance":         {Roles: []auth.Role{auth.RoleProvider}, OwnOrg: ownOrg},
	"listPartnerSources":       {Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}},
	"registerPartnerSource":    {Roles: adminOnly},
	"getPartnerSource":         {Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}},
	"revokePartnerSource":      {Roles: adminOnly},
	"replacePartnerKeys":       {Roles: adminOnly},
}

// rmtTeam works with the mobility team's requests.
var rmtTeam = []auth.Role{auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin}

// Every role, of this region and another, of the resource's organisation and another, on
// every operation of the document.
func TestAccessMatrixOfEveryRoleRegionOrganisationAndRoute(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.offerKnown(t, 1, "active", false, start1(day(3), 5))
	pid := e.register(t, bsns[0])
	var en enrolment
	expect(t, "enrol", e.r.Call(t, e.coach, "POST", "/api/v1/enrolments", enrolInput(pid, day(3)), &en), 201)
	// a confirmed support request for the mobility team (as the public page and its e-mail make one)
	now := time.Now().UTC()
	if _, err := e.r.Platform.DB.Collection("supportRequests").InsertOne(t.Context(), bson.D{{Key: "_id", Value: "req-matrix"}, {Key: "region", Value: kittest.Region},
		{Key: "question", Value: "Ik zoek ander werk in de logistiek."}, {Key: "situation", Value: bson.A{"working"}}, {Key: "name", Value: "Matrix"},
		{Key: "email", Value: "matrix@example.nl"}, {Key: "retentionMonths", Value: 12}, {Key: "status", Value: "open"}, {Key: "tokenHash", Value: "matrix"},
		{Key: "submittedAt", Value: now}, {Key: "confirmedAt", Value: now}}); err != nil {
		t.Fatal(err)
	}
	raw, _ := contracts.OpenAPI(service.Name)
	e.pf.CheckAccessMatrix(t, e.r, raw, contracts.OpenAPIFiles(), kittest.Matrix{
		Rules: participantsAccess,
		Params: map[string]string{"participantId": pid, "enrolmentId": en.ID, "placementId": "pl-1",
			"sourceId": sourceID(t, e, "/lms/bouwschool"), "kind": "participant", "requestId": "req-matrix"},
		Hidden: []string{pid, en.ID},
	})
}

// On every topic of the platform's own it reads, an event its owner did not sign is
// dead-lettered for its origin (partner topics: TestAMessageThatClaimsAnotherSendersNameIsNotBelieved).
func TestForgedEventsAreRefusedOnEveryTopicItReads(t *testing.T) {
	e := start(t, &kittest.Clock{})
	e.pf.CheckForgedEventsAreRefused(t, e.r)
}
