package ports

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// maxSupportBody is the largest request a resident's question makes (2,000 characters of
// question and the contact details, with room for escapes).
const maxSupportBody = 16 << 10

// RegisterPublic mounts the routes a resident reaches without an account: asking the
// regional mobility team for help, and confirming it from the e-mail. They are public by
// design, like a published calendar; each is bounded in size and time, and asking is limited
// in total.
func (h *HTTP) RegisterPublic(r *gin.Engine, timeout time.Duration) {
	bounded := func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSupportBody)
		c.Next()
	}
	g := r.Group("/api/v1/public/regions/:region", httpserver.Deadline(timeout), bounded)
	g.POST("/support-requests", h.askForSupport)
	g.POST("/support-requests/confirmation", h.confirmSupportRequest)
}

func (h *HTTP) askForSupport(c *gin.Context) {
	in, ok := httpserver.Bind[participantsapi.SupportRequestInput](c)
	if !ok {
		return
	}
	situation := make([]string, len(in.Situation))
	for i, s := range in.Situation {
		situation[i] = string(s)
	}
	months, err := h.app.AskForSupport(c, c.Param("region"), domain.SupportRequestInput{Question: in.Question, Situation: situation, Name: in.Name,
		Email: in.Email, Phone: optional.Value(in.Phone), Municipality: optional.Value(in.Municipality), Consent: in.Consent}, optional.Value(in.Website))
	httpserver.Respond(c, http.StatusAccepted, participantsapi.SupportRequestReceived{Status: participantsapi.SupportRequestReceivedStatusUnconfirmed,
		RetentionMonths: &months}, err)
}

func (h *HTTP) confirmSupportRequest(c *gin.Context) {
	in, ok := httpserver.Bind[struct {
		Token string `json:"token"`
	}](c)
	if !ok {
		return
	}
	r, err := h.app.ConfirmSupportRequest(c, c.Param("region"), in.Token)
	var out participantsapi.SupportRequestReceived
	if err == nil {
		out = participantsapi.SupportRequestReceived{Status: participantsapi.SupportRequestReceivedStatusConfirmed, RetentionMonths: &r.RetentionMonths}
	}
	httpserver.Respond(c, http.StatusOK, out, err)
}

func (h *HTTP) listSupportRequests(c *gin.Context) {
	q := httpserver.ListQuery(c, "status")
	status := q.OneOf("status", []string{domain.RequestOpen, domain.RequestInProgress})
	if !q.OK() {
		return
	}
	page, err := h.app.SupportRequests(c, auth.Of(c), status, q.Page)
	now := h.app.Now()
	httpserver.RespondPageAs(c, page, err, func(r domain.SupportRequest) participantsapi.SupportRequest { return supportRequestAnswer(r, now) })
}

func (h *HTTP) getSupportRequest(c *gin.Context) {
	r, err := h.app.SupportRequest(c, auth.Of(c), c.Param("requestId"))
	var out participantsapi.SupportRequest
	if err == nil {
		out = supportRequestAnswer(*r, h.app.Now())
	}
	httpserver.Respond(c, http.StatusOK, out, err)
}

func (h *HTTP) pickUpSupportRequest(c *gin.Context) {
	r, err := h.app.PickUpSupportRequest(c, auth.Of(c), c.Param("requestId"))
	var out participantsapi.SupportRequest
	if err == nil {
		out = supportRequestAnswer(*r, h.app.Now())
	}
	httpserver.Respond(c, http.StatusOK, out, err)
}

func supportRequestAnswer(r domain.SupportRequest, now time.Time) participantsapi.SupportRequest {
	out := participantsapi.SupportRequest{ID: r.ID, Question: r.Question, Situation: r.Situation, Name: r.Name, Email: r.Email,
		Phone: optional.Of(r.Phone), Municipality: optional.Of(r.Municipality), Status: participantsapi.SupportRequestStatus(r.Status),
		SubmittedAt: r.SubmittedAt, DaysWaiting: r.DaysWaiting(now), Adviser: optional.Of(r.Adviser), AdviserOrg: optional.Of(r.AdviserOrg),
		RetentionMonths: r.RetentionMonths}
	if !r.ConfirmedAt.IsZero() {
		out.ConfirmedAt = &r.ConfirmedAt
	}
	if !r.PickedUpAt.IsZero() {
		out.PickedUpAt = &r.PickedUpAt
	}
	return out
}
