package ports

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/participantsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/rules"
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
	status := q.OneOf("status", []string{domain.RequestOpen, domain.RequestInProgress, domain.RequestClosed})
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

func (h *HTTP) referralPartners(c *gin.Context) {
	ps, err := h.app.ReferralPartners(auth.Of(c))
	httpserver.Respond(c, http.StatusOK, httpserver.List[participantsapi.ReferralPartner]{Items: convert.Each(ps, func(p domain.Partner) participantsapi.ReferralPartner {
		return participantsapi.ReferralPartner{ID: p.ID, Name: p.Name, Org: optional.Of(p.Org)}
	})}, err)
}

// work answers an adviser's step on a request.
func (h *HTTP) work(c *gin.Context, step func(r *domain.SupportRequest, by string, now time.Time) error) {
	r, err := h.app.WorkOnSupportRequest(c, auth.Of(c), c.Param("requestId"), step)
	h.answer(c, r, err)
}

func (h *HTTP) answer(c *gin.Context, r *domain.SupportRequest, err error) {
	var out participantsapi.SupportRequest
	if err == nil {
		out = supportRequestAnswer(*r, h.app.Now())
	}
	httpserver.Respond(c, http.StatusOK, out, err)
}

func (h *HTTP) advise(c *gin.Context) {
	in, ok := httpserver.Bind[participantsapi.AdviseOnSupportRequestJSONBody](c)
	if !ok {
		return
	}
	if privacy.HoldsBSN(in.Note) {
		httpserver.Problem(c, rules.Invalid("note", "must not hold a BSN: the team does not need it"))
		return
	}
	h.work(c, func(r *domain.SupportRequest, by string, now time.Time) error {
		return r.Advise(by, string(in.Category), in.Note, now)
	})
}

func (h *HTTP) refer(c *gin.Context) {
	in, ok := httpserver.Bind[participantsapi.ReferSupportRequestJSONBody](c)
	if !ok {
		return
	}
	partner, err := h.app.Partner(in.Partner)
	if err != nil {
		httpserver.Problem(c, err)
		return
	}
	h.work(c, func(r *domain.SupportRequest, by string, now time.Time) error { return r.Refer(by, partner, now) })
}

func (h *HTTP) closeRequest(c *gin.Context) {
	in, ok := httpserver.Bind[participantsapi.CloseSupportRequestJSONBody](c)
	if !ok {
		return
	}
	h.work(c, func(r *domain.SupportRequest, by string, now time.Time) error {
		return r.Close(by, string(in.Outcome), now)
	})
}

func supportRequestAnswer(r domain.SupportRequest, now time.Time) participantsapi.SupportRequest {
	out := participantsapi.SupportRequest{ID: r.ID, Question: r.Question, Situation: r.Situation, Name: r.Name, Email: r.Email,
		Phone: optional.Of(r.Phone), Municipality: optional.Of(r.Municipality), Status: participantsapi.SupportRequestStatus(r.Status),
		SubmittedAt: r.SubmittedAt, DaysWaiting: r.DaysWaiting(now), Adviser: optional.Of(r.Adviser), AdviserOrg: optional.Of(r.AdviserOrg),
		RetentionMonths: r.RetentionMonths, Outcome: optional.Of(r.Outcome),
		Advice: convert.Each(r.Advice, func(a domain.Advice) participantsapi.SupportRequest_Advice {
			return participantsapi.SupportRequest_Advice{At: a.At, By: a.By, Category: a.Category, Note: a.Note}
		}),
		Referrals: convert.Each(r.Referrals, func(x domain.Referral) participantsapi.SupportRequest_Referrals {
			return participantsapi.SupportRequest_Referrals{At: x.At, By: x.By, ID: x.ID, Partner: x.Partner}
		})}
	if !r.ClosedAt.IsZero() {
		out.ClosedAt = &r.ClosedAt
	}
	if !r.ConfirmedAt.IsZero() {
		out.ConfirmedAt = &r.ConfirmedAt
	}
	if !r.PickedUpAt.IsZero() {
		out.PickedUpAt = &r.PickedUpAt
	}
	return out
}
