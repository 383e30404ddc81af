// Package ports exposes the participants application over HTTP and Kafka.
package ports

import (
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

	team := auth.Require(auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin)
	api.GET("/support-requests", team, h.listSupportRequests)
	api.GET("/support-requests/:requestId", team, h.getSupportRequest)
	api.POST("/support-requests/:requestId/pickup", auth.Require(auth.RoleAdviser), h.pickUpSupportRequest)
	api.POST("/support-requests/:requestId/advice", auth.Require(auth.RoleAdviser), h.advise)
	api.POST("/support-requests/:requestId/referrals", auth.Require(auth.RoleAdviser), h.refer)
	api.POST("/support-requests/:requestId/closing", auth.Require(auth.RoleAdviser), h.closeRequest)
	api.GET("/referral-partners", team, h.referralPartners)
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

func (h *HTTP) listParticipants(c *gin.Context) {
	q := httpserver.ListQuery(c, "municipality", "targetGroup", "workCoach")
	f := app.ParticipantFilter{Municipality: q.String("municipality"), WorkCoach: q.String("workCoach"),
		TargetGroup: domain.TargetGroup(q.OneOf("targetGroup", names(domain.TargetGroups)))}
	if !q.OK() {
		return
	}
	v, err := h.app.ListParticipants(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, participantAnswer)
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
		httpserver.CreatedAs(c, participantURL, v, err, participantAnswer)
	}
}

func (h *HTTP) searchParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.SearchParticipantByBSNJSONBody](c); ok {
		v, err := h.app.FindByBSN(c, principal(c), in.BSN)
		httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
	}
}

func (h *HTTP) getParticipant(c *gin.Context) {
	v, err := h.app.GetParticipant(c, principal(c), c.Param("participantId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
}

func (h *HTTP) updateParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ParticipantInput](c); ok {
		v, err := h.app.UpdateParticipant(c, principal(c), c.Param("participantId"), participantInput(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
	}
}

func (h *HTTP) assignWorkCoach(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.Actor](c); ok {
		v, err := h.app.AssignWorkCoach(c, principal(c), c.Param("participantId"), actor(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
	}
}

func (h *HTTP) revealBSN(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.RevealBSNJSONBody](c); ok {
		v, err := h.app.RevealBSN(c, principal(c), c.Param("participantId"), in.Reason)
		httpserver.Sensitive(c) // a BSN is never kept, not even for an idempotent retry
		httpserver.RespondAs(c, http.StatusOK, v, err, revealBSN200JSONResponseBodyAnswer)
	}
}

func (h *HTTP) participantAudit(c *gin.Context) {
	q := httpserver.HistoryQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.ParticipantAudit(c, principal(c), c.Param("participantId"), q.Page)
	httpserver.RespondPageAs(c, v, err, auditRecordAnswer)
}

func (h *HTTP) addPraktijkverklaring(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.PraktijkverklaringInput](c); ok {
		v, err := h.app.AddPraktijkverklaring(c, principal(c), c.Param("participantId"), praktijkverklaringInput(in))
		httpserver.CreatedAs(c, participantURL, v, err, participantAnswer) // a praktijkverklaring is part of its participant
	}
}

func (h *HTTP) startBBL(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.BBLProgramme](c); ok {
		v, err := h.app.StartBBL(c, principal(c), c.Param("participantId"), bblProgramme(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
	}
}

func (h *HTTP) praktijkverklaringReport(c *gin.Context) {
	v, err := h.app.PraktijkverklaringReport(c, principal(c))
	httpserver.RespondAs(c, http.StatusOK, v, err, praktijkverklaringReport200JSONResponseBodyAnswer)
}

func (h *HTTP) outcomes(c *gin.Context) {
	v, err := h.app.Outcomes(c, principal(c))
	httpserver.RespondAs(c, http.StatusOK, v, err, outcomesReportAnswer)
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
	httpserver.RespondPageAs(c, v, err, enrolmentAnswer)
}

func (h *HTTP) enrol(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EnrolmentInput](c); ok {
		v, err := h.app.Enrol(c, principal(c), enrolmentInput(in))
		httpserver.CreatedAs(c, func(e *domain.Enrolment) string { return "/api/v1/enrolments/" + e.ID }, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) getEnrolment(c *gin.Context) {
	v, err := h.app.GetEnrolment(c, principal(c), c.Param("enrolmentId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
}

func (h *HTTP) enrolmentAudit(c *gin.Context) {
	q := httpserver.HistoryQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.EnrolmentAudit(c, principal(c), c.Param("enrolmentId"), q.Page)
	httpserver.RespondPageAs(c, v, err, auditRecordAnswer)
}

func (h *HTTP) start(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DayInput](c); ok {
		v, err := h.app.StartEnrolment(c, principal(c), c.Param("enrolmentId"), app.DayInput{On: in.On})
		httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) complete(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DayInput](c); ok {
		v, err := h.app.CompleteEnrolment(c, principal(c), c.Param("enrolmentId"), app.DayInput{On: in.On})
		httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) dropout(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.DropOutJSONBody](c); ok {
		v, err := h.app.DropOut(c, principal(c), c.Param("enrolmentId"), app.DropoutInput{Reason: in.Reason, On: in.On})
		httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) place(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.PlacementInput](c); ok {
		v, err := h.app.PlaceEnrolment(c, principal(c), c.Param("enrolmentId"), placementInput(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) endJob(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EndJobJSONBody](c); ok {
		v, err := h.app.EndJob(c, principal(c), c.Param("enrolmentId"), c.Param("placementId"), app.JobEndInput{EndDate: in.EndDate})
		httpserver.RespondAs(c, http.StatusOK, v, err, enrolmentAnswer)
	}
}

func (h *HTTP) attendance(c *gin.Context) {
	v, err := h.app.Attendance(c, principal(c), c.Param("enrolmentId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, attendanceSummaryAnswer)
}

func (h *HTTP) reportAttendance(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ReportAttendanceJSONBody](c); ok { // the enrolment is in the URL
		p := principal(c)
		v, err := h.app.ReportAttendance(c, p, c.Param("enrolmentId"), domain.AttendanceReport{
			ProviderKvK: p.Org, Date: in.Date, Hours: in.Hours, ReportID: in.ReportID})
		httpserver.RespondAs(c, http.StatusOK, v, err, attendanceSummaryAnswer)
	}
}

func (h *HTTP) listPartnerSources(c *gin.Context) {
	q := httpserver.ListQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.ListPartnerSources(c, principal(c), q.Page)
	httpserver.RespondPageAs(c, v, err, partnerSourceAnswer)
}

func (h *HTTP) registerPartnerSource(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.PartnerSourceInput](c); ok {
		v, err := h.app.RegisterPartnerSource(c, principal(c), partnerSourceInput(in))
		httpserver.CreatedAs(c, func(s *domain.PartnerSource) string { return "/api/v1/partner-sources/" + s.ID }, v, err, partnerSourceAnswer)
	}
}

func (h *HTTP) getPartnerSource(c *gin.Context) {
	v, err := h.app.GetPartnerSource(c, principal(c), c.Param("sourceId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, partnerSourceAnswer)
}

func (h *HTTP) replacePartnerKeys(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ReplacePartnerKeysJSONBody](c); ok {
		v, err := h.app.ReplacePartnerKeys(c, principal(c), c.Param("sourceId"), publicKeys(in.Keys))
		httpserver.RespondAs(c, http.StatusOK, v, err, partnerSourceAnswer)
	}
}

func (h *HTTP) revokePartnerSource(c *gin.Context) {
	v, err := h.app.RevokePartnerSource(c, principal(c), c.Param("sourceId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, partnerSourceAnswer)
}

func (h *HTTP) exportParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.ExportParticipantJSONBody](c); ok {
		v, err := h.app.ExportParticipant(c, principal(c), c.Param("participantId"), in.Reason)
		httpserver.Sensitive(c) // it holds the BSN
		httpserver.RespondAs(c, http.StatusOK, v, err, exportParticipant200JSONResponseBodyAnswer)
	}
}

func (h *HTTP) eraseParticipant(c *gin.Context) {
	if in, ok := httpserver.Bind[participantsapi.EraseParticipantJSONBody](c); ok {
		v, err := h.app.EraseParticipant(c, principal(c), c.Param("participantId"), erasureInput(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, participantAnswer)
	}
}
