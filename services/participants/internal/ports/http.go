// Package ports exposes the participants application over HTTP and Kafka.
package ports

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// HTTP serves the participants API. A BSN only ever travels in request bodies (register,
// search) and in the body of a coordinator's audited reveal: never in a URL.
type HTTP struct {
	app    *app.Service
	region string
}

// NewHTTP builds the handlers for the instance's region.
func NewHTTP(a *app.Service, region string) *HTTP { return &HTTP{app: a, region: region} }

// Register mounts the routes on the platform's /api/v1 group (a token of this region,
// conditional changes, idempotent POSTs).
func (h *HTTP) Register(api *gin.RouterGroup) {
	guidance := auth.Require(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin)
	lifecycle := auth.Require(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin, auth.RoleProvider)

	api.GET("/participants", guidance, h.listParticipants)
	api.POST("/participants", guidance, h.registerParticipant)
	api.POST("/participants/search", guidance, h.searchParticipant)
	api.GET("/participants/:participantId", guidance, h.getParticipant)
	api.PUT("/participants/:participantId", guidance, h.updateParticipant)
	api.POST("/participants/:participantId/work-coach", guidance, h.assignWorkCoach)
	api.POST("/participants/:participantId/bsn-reveal", auth.Require(auth.RoleCoordinator), h.revealBSN)
	api.POST("/participants/:participantId/export", auth.Require(auth.RoleCoordinator), h.exportParticipant)
	api.POST("/participants/:participantId/erasure", auth.Require(auth.RoleCoordinator), h.eraseParticipant)
	api.GET("/participants/:participantId/audit", guidance, h.participantAudit)
	api.POST("/participants/:participantId/praktijkverklaringen", guidance, h.addPraktijkverklaring)
	api.POST("/participants/:participantId/bbl", guidance, h.startBBL)
	api.GET("/reports/praktijkverklaringen", guidance, h.praktijkverklaringReport)
	// the roles that read enrolments, each in its own scope
	api.GET("/reports/outcomes", auth.Require(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin, auth.RoleProvider, auth.RoleFinance), h.outcomes)

	api.GET("/enrolments", h.listEnrolments)
	api.POST("/enrolments", guidance, h.enrol)
	api.GET("/enrolments/:enrolmentId", h.getEnrolment)
	api.GET("/enrolments/:enrolmentId/audit", h.enrolmentAudit)
	api.POST("/enrolments/:enrolmentId/start", lifecycle, h.start)
	api.POST("/enrolments/:enrolmentId/complete", lifecycle, h.complete)
	api.POST("/enrolments/:enrolmentId/dropout", lifecycle, h.dropout)
	api.POST("/enrolments/:enrolmentId/placements", guidance, h.place)
	api.POST("/enrolments/:enrolmentId/placements/:placementId/end", guidance, h.endJob)
	api.GET("/enrolments/:enrolmentId/attendance", h.attendance)

	oversight, admin := auth.Require(auth.RoleAdmin, auth.RoleCoordinator), auth.Require(auth.RoleAdmin)
	api.GET("/partner-sources", oversight, h.listPartnerSources)
	api.POST("/partner-sources", admin, h.registerPartnerSource)
	api.GET("/partner-sources/:sourceId", oversight, h.getPartnerSource)
	api.DELETE("/partner-sources/:sourceId", admin, h.revokePartnerSource)
	api.PUT("/partner-sources/:sourceId/keys", admin, h.replacePartnerKeys)
	api.POST("/enrolments/:enrolmentId/attendance", auth.Require(auth.RoleProvider), h.reportAttendance)
}

var principal = auth.Of

func participantURL(p *domain.Participant) string { return "/api/v1/participants/" + p.ID }

func respond[T any](c *gin.Context, status int, v T, err error) {
	httpserver.Respond(c, status, v, err)
}

func (h *HTTP) listParticipants(c *gin.Context) {
	q := httpserver.ListQuery(c, "municipality", "targetGroup", "workCoach")
	f := app.ParticipantFilter{Municipality: q.String("municipality"), WorkCoach: q.String("workCoach"),
		TargetGroup: domain.TargetGroup(q.OneOf("targetGroup", names(domain.TargetGroups)))}
	if !q.OK() {
		return
	}
	v, err := h.app.ListParticipants(c, principal(c), f, q.Page)
	httpserver.RespondPage(c, v, err)
}

func names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func (h *HTTP) registerParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ParticipantInput](c); ok {
		v, err := h.app.RegisterParticipant(c, principal(c), participantInput(in))
		httpserver.Created(c, participantURL, v, err)
	}
}

func (h *HTTP) searchParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.SearchParticipantByBSNJSONBody](c); ok {
		v, err := h.app.FindByBSN(c, principal(c), in.BSN)
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) getParticipant(c *gin.Context) {
	v, err := h.app.GetParticipant(c, principal(c), c.Param("participantId"))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) updateParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ParticipantInput](c); ok {
		v, err := h.app.UpdateParticipant(c, principal(c), c.Param("participantId"), participantInput(in))
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) assignWorkCoach(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.Actor](c); ok {
		v, err := h.app.AssignWorkCoach(c, principal(c), c.Param("participantId"), actor(in))
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) revealBSN(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.RevealBSNJSONBody](c); ok {
		v, err := h.app.RevealBSN(c, principal(c), c.Param("participantId"), in.Reason)
		httpserver.Sensitive(c) // a BSN is never kept, not even for an idempotent retry
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) participantAudit(c *gin.Context) {
	q := httpserver.HistoryQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.ParticipantAudit(c, principal(c), c.Param("participantId"), q.Page)
	httpserver.RespondPage(c, v, err)
}

func (h *HTTP) addPraktijkverklaring(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.PraktijkverklaringInput](c); ok {
		v, err := h.app.AddPraktijkverklaring(c, principal(c), c.Param("participantId"), praktijkverklaringInput(in))
		httpserver.Created(c, participantURL, v, err) // a praktijkverklaring is part of its participant
	}
}

func (h *HTTP) startBBL(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.BBLProgramme](c); ok {
		v, err := h.app.StartBBL(c, principal(c), c.Param("participantId"), bblProgramme(in))
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) praktijkverklaringReport(c *gin.Context) {
	v, err := h.app.PraktijkverklaringReport(c, principal(c))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) outcomes(c *gin.Context) {
	v, err := h.app.Outcomes(c, principal(c))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) listEnrolments(c *gin.Context) {
	q := httpserver.ListQuery(c, "participant", "provider", "product", "status")
	f := app.EnrolmentFilter{ParticipantID: q.String("participant"), ProductID: q.String("product"),
		ProviderKvK: q.Matching("provider", civil.ValidKvK, "must be a KvK number of 8 digits"),
		Status:      domain.Status(q.OneOf("status", names(domain.Statuses)))}
	if !q.OK() {
		return
	}
	v, err := h.app.ListEnrolments(c, principal(c), f, q.Page)
	for i := range v.Items {
		v.Items[i] = *withoutPerson(&v.Items[i])
	}
	httpserver.RespondPage(c, v, err)
}

func (h *HTTP) enrol(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EnrolmentInput](c); ok {
		v, err := h.app.Enrol(c, principal(c), enrolmentInput(in))
		httpserver.Created(c, func(e *domain.Enrolment) string { return "/api/v1/enrolments/" + e.ID }, withoutPerson(v), err)
	}
}

func (h *HTTP) getEnrolment(c *gin.Context) {
	v, err := h.app.GetEnrolment(c, principal(c), c.Param("enrolmentId"))
	respond(c, http.StatusOK, withoutPerson(v), err)
}

func (h *HTTP) enrolmentAudit(c *gin.Context) {
	q := httpserver.HistoryQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.EnrolmentAudit(c, principal(c), c.Param("enrolmentId"), q.Page)
	httpserver.RespondPage(c, v, err)
}

func (h *HTTP) start(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DayInput](c); ok {
		v, err := h.app.StartEnrolment(c, principal(c), c.Param("enrolmentId"), app.DayInput{On: in.On})
		respond(c, http.StatusOK, withoutPerson(v), err)
	}
}

func (h *HTTP) complete(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DayInput](c); ok {
		v, err := h.app.CompleteEnrolment(c, principal(c), c.Param("enrolmentId"), app.DayInput{On: in.On})
		respond(c, http.StatusOK, withoutPerson(v), err)
	}
}

func (h *HTTP) dropout(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DropOutJSONBody](c); ok {
		v, err := h.app.DropOut(c, principal(c), c.Param("enrolmentId"), app.DropoutInput{Reason: in.Reason, On: in.On})
		respond(c, http.StatusOK, withoutPerson(v), err)
	}
}

func (h *HTTP) place(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.PlacementInput](c); ok {
		v, err := h.app.PlaceEnrolment(c, principal(c), c.Param("enrolmentId"), placementInput(in))
		respond(c, http.StatusOK, withoutPerson(v), err)
	}
}

func (h *HTTP) endJob(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EndJobJSONBody](c); ok {
		v, err := h.app.EndJob(c, principal(c), c.Param("enrolmentId"), c.Param("placementId"), app.JobEndInput{EndDate: in.EndDate})
		respond(c, http.StatusOK, withoutPerson(v), err)
	}
}

func (h *HTTP) attendance(c *gin.Context) {
	v, err := h.app.Attendance(c, principal(c), c.Param("enrolmentId"))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) reportAttendance(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ReportAttendanceJSONBody](c); ok { // the enrolment is in the URL
		p := principal(c)
		v, err := h.app.ReportAttendance(c, p, c.Param("enrolmentId"), domain.AttendanceReport{
			ProviderKvK: p.Org, Date: in.Date, Hours: in.Hours, ReportID: in.ReportID})
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) listPartnerSources(c *gin.Context) {
	q := httpserver.ListQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.ListPartnerSources(c, principal(c), q.Page)
	httpserver.RespondPage(c, v, err)
}

func (h *HTTP) registerPartnerSource(c *gin.Context) {
	if in, ok := httpserver.Bind[domain.PartnerSourceInput](c); ok {
		v, err := h.app.RegisterPartnerSource(c, principal(c), in)
		httpserver.Created(c, func(s *domain.PartnerSource) string { return "/api/v1/partner-sources/" + s.ID }, v, err)
	}
}

func (h *HTTP) getPartnerSource(c *gin.Context) {
	v, err := h.app.GetPartnerSource(c, principal(c), c.Param("sourceId"))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) replacePartnerKeys(c *gin.Context) {
	if in, ok := httpserver.Bind[struct {
		Keys json.RawMessage `json:"keys"`
	}](c); ok {
		v, err := h.app.ReplacePartnerKeys(c, principal(c), c.Param("sourceId"), in.Keys)
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) revokePartnerSource(c *gin.Context) {
	v, err := h.app.RevokePartnerSource(c, principal(c), c.Param("sourceId"))
	respond(c, http.StatusOK, v, err)
}

func (h *HTTP) exportParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ExportParticipantJSONBody](c); ok {
		v, err := h.app.ExportParticipant(c, principal(c), c.Param("participantId"), in.Reason)
		httpserver.Sensitive(c) // it holds the BSN
		respond(c, http.StatusOK, v, err)
	}
}

func (h *HTTP) eraseParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EraseParticipantJSONBody](c); ok {
		v, err := h.app.EraseParticipant(c, principal(c), c.Param("participantId"), erasureInput(in))
		respond(c, http.StatusOK, v, err)
	}
}

// withoutPerson is an enrolment as the API shows it: the person's pseudonym, which
// recognises them across regions, is for social-return monitoring (on the events) only.
func withoutPerson(e *domain.Enrolment) *domain.Enrolment {
	if e == nil {
		return nil
	}
	c := *e
	c.Person, c.PersonKey = "", ""
	return &c
}
