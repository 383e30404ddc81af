// Package ports exposes the procurement application over HTTP.
package ports

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/problem"
	"github.com/werkregio/platform/services/procurement/internal/app"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// HTTP serves the procurement API.
type HTTP struct {
	app    *app.Service
	region string
}

// NewHTTP builds the handlers for the instance's region.
func NewHTTP(a *app.Service, region string) *HTTP { return &HTTP{app: a, region: region} }

// Register mounts the routes. Every /api/v1 route needs a valid token of this region; the
// tender calendar feed is public, as a published calendar is (see README).
func (h *HTTP) Register(r *gin.Engine, verifier auth.TokenVerifier) {
	r.GET("/api/v1/public/regions/:region/tender-calendar.ics", h.calendarFeed)

	api := r.Group("/api/v1", auth.Authenticate(verifier, h.region))
	buyer := auth.Require(auth.RoleBuyer, auth.RoleAdmin)
	provider := auth.Require(auth.RoleProvider)

	api.GET("/schemes", h.listSchemes)
	api.POST("/schemes", buyer, h.createScheme)
	api.GET("/schemes/:schemeId", h.getScheme)
	api.PUT("/schemes/:schemeId", buyer, h.editScheme)
	api.POST("/schemes/:schemeId/publish", buyer, h.publishScheme)
	api.POST("/schemes/:schemeId/close", buyer, h.closeScheme)
	api.POST("/schemes/:schemeId/products", buyer, h.addProduct)
	api.POST("/schemes/:schemeId/products/:productId/terms", buyer, h.changeTerms)
	api.POST("/schemes/:schemeId/applications", provider, h.apply)

	api.GET("/applications", h.listApplications)
	api.GET("/contracts", h.listContracts)
	api.GET("/contracts/:contractId", h.getContract)
	api.POST("/contracts/:contractId/suspend", buyer, h.contractAction(app.ActionSuspend))
	api.POST("/contracts/:contractId/resume", buyer, h.contractAction(app.ActionResume))
	api.POST("/contracts/:contractId/end", buyer, h.contractAction(app.ActionEnd))
	api.POST("/contracts/:contractId/withdraw", provider, h.contractAction(app.ActionWithdraw))

	api.GET("/tenders", h.listTenders)
	api.POST("/tenders", buyer, h.announceTender)
	api.GET("/tenders/:tenderId", h.getTender)
	api.PUT("/tenders/:tenderId", buyer, h.updateTender)
	api.POST("/tenders/:tenderId/award", buyer, h.awardTender)
	api.POST("/tenders/:tenderId/cancel", buyer, h.cancelTender)
	api.GET("/tender-calendar", h.calendarJSON)
}

func principal(c *gin.Context) auth.Principal {
	p, _ := auth.FromContext(c.Request.Context())
	return p
}

// fail maps application errors to RFC 9457 problems.
func fail(c *gin.Context, err error) {
	var ve *domain.ValidationError
	var se *domain.StateError
	var fb *app.Forbidden
	switch {
	case errors.As(err, &ve):
		fes := make([]problem.FieldError, len(ve.Problems))
		for i, p := range ve.Problems {
			fes[i] = problem.FieldError{Field: p.Field, Reason: p.Reason}
		}
		httpserver.Fail(c, problem.Validation("The input breaks one or more rules.", fes...))
	case errors.As(err, &se):
		httpserver.Fail(c, problem.Conflict(se.Reason))
	case errors.As(err, &fb):
		httpserver.Fail(c, problem.Forbidden(fb.Reason))
	case errors.Is(err, app.ErrNotFound):
		httpserver.Fail(c, problem.NotFound("No such resource in your region."))
	case errors.Is(err, app.ErrConflict):
		httpserver.Fail(c, problem.Conflict("The resource was changed by someone else at the same moment; try again."))
	default:
		httpserver.Fail(c, err)
	}
}

type list[T any] struct {
	Items []T `json:"items"`
}

func respond[T any](c *gin.Context, status int, v T, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, v)
}

func respondList[T any](c *gin.Context, v []T, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list[T]{Items: v})
}
