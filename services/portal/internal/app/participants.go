package app

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
)

// Participants is a page of the job seekers the user may see (a work coach: their
// organisation's); q filters (municipality, targetGroup, workCoach) and pages (after).
func (p *Portal) Participants(ctx context.Context, u User, q url.Values) (Page[participantsapi.Participant], error) {
	return list[participantsapi.Participant](ctx, p, u.call(Participants, "/api/v1/participants", q))
}

// Participant is one job seeker, never with a BSN.
func (p *Portal) Participant(ctx context.Context, u User, id string) (participantsapi.Participant, error) {
	return get[participantsapi.Participant](ctx, p, u.call(Participants, "/api/v1/participants/"+url.PathEscape(id), nil))
}

// RevealBSN asks the participant's BSN for a stated reason; the service writes the audit
// trail before it answers.
func (p *Portal) RevealBSN(ctx context.Context, u User, id, reason string) (string, error) {
	out, err := post[participantsapi.RevealBSN200JSONResponseBody](ctx, p, u.call(Participants, "/api/v1/participants/"+url.PathEscape(id)+"/bsn-reveal", nil), "", participantsapi.RevealBSNJSONBody{Reason: reason})
	return out.BSN, err
}

// Enrolments is a page of trajectories (a provider: only its own); q filters (participant,
// provider, status) and pages.
func (p *Portal) Enrolments(ctx context.Context, u User, q url.Values) (Page[participantsapi.Enrolment], error) {
	return list[participantsapi.Enrolment](ctx, p, u.call(Participants, "/api/v1/enrolments", q))
}

// Enrolment is one trajectory.
func (p *Portal) Enrolment(ctx context.Context, u User, id string) (participantsapi.Enrolment, error) {
	return get[participantsapi.Enrolment](ctx, p, u.call(Participants, "/api/v1/enrolments/"+url.PathEscape(id), nil))
}

// Attendance is a trajectory's hours against the product's minimum.
func (p *Portal) Attendance(ctx context.Context, u User, enrolmentID string) (participantsapi.AttendanceSummary, error) {
	return get[participantsapi.AttendanceSummary](ctx, p, u.call(Participants, "/api/v1/enrolments/"+url.PathEscape(enrolmentID)+"/attendance", nil))
}

// ReportAttendance reports a day's hours; key is the form's, so a report sent twice counts
// once.
func (p *Portal) ReportAttendance(ctx context.Context, u User, enrolmentID, key string, in participantsapi.ReportAttendanceJSONBody) (participantsapi.AttendanceSummary, error) {
	return post[participantsapi.AttendanceSummary](ctx, p, u.call(Participants, "/api/v1/enrolments/"+url.PathEscape(enrolmentID)+"/attendance", nil), key, in)
}

// Outcomes counts trajectories per status, in total and per provider, in the user's scope.
func (p *Portal) Outcomes(ctx context.Context, u User) (participantsapi.OutcomesReport, error) {
	return get[participantsapi.OutcomesReport](ctx, p, u.call(Participants, "/api/v1/reports/outcomes", nil))
}

// RegisterParticipant registers a job seeker with the consent they gave; the BSN goes to the
// service in the body only, is sealed there and never comes back.
func (p *Portal) RegisterParticipant(ctx context.Context, u User, key string, in participantsapi.ParticipantInput) (participantsapi.Participant, error) {
	return post[participantsapi.Participant](ctx, p, u.call(Participants, "/api/v1/participants", nil), key, in)
}

// Enrol enrols a participant in a provider's start of a product.
func (p *Portal) Enrol(ctx context.Context, u User, key string, in participantsapi.EnrolmentInput) (participantsapi.Enrolment, error) {
	return post[participantsapi.Enrolment](ctx, p, u.call(Participants, "/api/v1/enrolments", nil), key, in)
}

func participantPath(id string) string { return "/api/v1/participants/" + url.PathEscape(id) }

// ParticipantVersion is a participant with its version (ETag), for a change to name.
func (p *Portal) ParticipantVersion(ctx context.Context, u User, id string) (participantsapi.Participant, string, error) {
	var out participantsapi.Participant
	etag, err := p.api.Get(ctx, u.call(Participants, participantPath(id), nil), &out)
	return out, etag, err
}

// UpdateParticipant changes a participant (its consent withdrawn, say) on the version seen.
func (p *Portal) UpdateParticipant(ctx context.Context, u User, id, version string, in participantsapi.ParticipantInput) (participantsapi.Participant, error) {
	call := u.call(Participants, participantPath(id), nil)
	call.IfMatch, call.Body = version, in
	var out participantsapi.Participant
	err := p.api.Put(ctx, call, &out)
	return out, err
}

// AssignWorkCoach hands the participant over to another work coach.
func (p *Portal) AssignWorkCoach(ctx context.Context, u User, id, key string, to participantsapi.Actor) (participantsapi.Participant, error) {
	return post[participantsapi.Participant](ctx, p, u.call(Participants, participantPath(id)+"/work-coach", nil), key, to)
}

// AddPraktijkverklaring records an issued praktijkverklaring.
func (p *Portal) AddPraktijkverklaring(ctx context.Context, u User, id, key string, in participantsapi.PraktijkverklaringInput) (participantsapi.Participant, error) {
	return post[participantsapi.Participant](ctx, p, u.call(Participants, participantPath(id)+"/praktijkverklaringen", nil), key, in)
}

// StartBBL records that the participant went on to a BBL programme.
func (p *Portal) StartBBL(ctx context.Context, u User, id, key string, in participantsapi.BBLProgramme) (participantsapi.Participant, error) {
	return post[participantsapi.Participant](ctx, p, u.call(Participants, participantPath(id)+"/bbl", nil), key, in)
}

// EraseParticipant erases the participant's personal data, on a basis and for a reason.
func (p *Portal) EraseParticipant(ctx context.Context, u User, id, key string, in participantsapi.EraseParticipantJSONBody) (participantsapi.Participant, error) {
	return post[participantsapi.Participant](ctx, p, u.call(Participants, participantPath(id)+"/erasure", nil), key, in)
}

// ExportParticipant is everything held on the participant (right of access), as the
// service wrote it, for a stated reason (audited before it answers).
func (p *Portal) ExportParticipant(ctx context.Context, u User, id, reason string) (json.RawMessage, error) {
	return post[json.RawMessage](ctx, p, u.call(Participants, participantPath(id)+"/export", nil), "", participantsapi.ExportParticipantJSONBody{Reason: reason})
}

// EnrolmentStep records a step of a trajectory (start, complete, dropout, placements) with
// the form's key.
func (p *Portal) EnrolmentStep(ctx context.Context, u User, id, step, key string, in any) (participantsapi.Enrolment, error) {
	return post[participantsapi.Enrolment](ctx, p, u.call(Participants, "/api/v1/enrolments/"+url.PathEscape(id)+"/"+step, nil), key, in)
}

// AskForSupport sends a resident's question to the regional mobility team (public: no user).
func (p *Portal) AskForSupport(ctx context.Context, region string, in participantsapi.SupportRequestInput) (participantsapi.SupportRequestReceived, error) {
	return post[participantsapi.SupportRequestReceived](ctx, p, Call{Service: Participants, Path: "/api/v1/public/regions/" + url.PathEscape(region) + "/support-requests"}, "", in)
}

// ConfirmSupportRequest confirms a question with the code of its e-mail (public).
func (p *Portal) ConfirmSupportRequest(ctx context.Context, region, code string) (participantsapi.SupportRequestReceived, error) {
	return post[participantsapi.SupportRequestReceived](ctx, p, Call{Service: Participants, Path: "/api/v1/public/regions/" + url.PathEscape(region) + "/support-requests/confirmation"}, "",
		map[string]string{"token": code})
}

// SupportRequests is a page of the mobility team's work list.
func (p *Portal) SupportRequests(ctx context.Context, u User, q url.Values) (Page[participantsapi.SupportRequest], error) {
	return list[participantsapi.SupportRequest](ctx, p, u.call(Participants, "/api/v1/support-requests", q))
}

// SupportRequest is one request of the team.
func (p *Portal) SupportRequest(ctx context.Context, u User, id string) (participantsapi.SupportRequest, error) {
	return get[participantsapi.SupportRequest](ctx, p, u.call(Participants, "/api/v1/support-requests/"+url.PathEscape(id), nil))
}

// PickUpSupportRequest makes a request the adviser's.
func (p *Portal) PickUpSupportRequest(ctx context.Context, u User, id, key string) (participantsapi.SupportRequest, error) {
	return post[participantsapi.SupportRequest](ctx, p, u.call(Participants, "/api/v1/support-requests/"+url.PathEscape(id)+"/pickup", nil), key, nil)
}

// ReferralPartners is the region's catalogue of services the team refers to.
func (p *Portal) ReferralPartners(ctx context.Context, u User) ([]participantsapi.ReferralPartner, error) {
	out, err := get[struct {
		Items []participantsapi.ReferralPartner
	}](ctx, p, u.call(Participants, "/api/v1/referral-partners", nil))
	return out.Items, err
}

// WorkOnSupportRequest sends an adviser's step on a request: advice, referrals or closing.
func (p *Portal) WorkOnSupportRequest(ctx context.Context, u User, id, step, key string, body any) (participantsapi.SupportRequest, error) {
	return post[participantsapi.SupportRequest](ctx, p, u.call(Participants, "/api/v1/support-requests/"+url.PathEscape(id)+"/"+step, nil), key, body)
}
