package httpserver

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/werkregio/platform/services/kit/convert"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/problem"
	"github.com/werkregio/platform/services/kit/rules"
)

// Problem maps the shared rule errors to RFC 9457 problems and records them; any other
// error becomes a 500 that hides its cause.
func Problem(c *gin.Context, err error) {
	var ve *rules.ValidationError
	var se *rules.StateError
	var fb *rules.Forbidden
	var qe *rules.QueryError
	var busy *rules.Busy
	switch {
	case errors.As(err, &busy):
		c.Header("Retry-After", strconv.Itoa(max(1, int(busy.RetryAfter.Seconds()))))
		kind := problem.KindTooManyRequests
		if busy.Unavailable {
			kind = problem.KindUnavailable
		}
		Fail(c, kind.New(busy.Reason).Because(busy.Message.Code, busy.Message.Params))
	case errors.As(err, &qe):
		p := problem.BadRequest("A query parameter cannot be used.")
		p.Errors = []problem.FieldError{{Field: qe.Param, Reason: qe.Reason, Rule: qe.Message.Code, Params: qe.Message.Params}}
		Fail(c, p)
	case errors.As(err, &ve):
		fes := make([]problem.FieldError, len(ve.Problems))
		for i, p := range ve.Problems {
			fes[i] = problem.FieldError{Field: p.Field, Reason: p.Reason, Rule: p.Message.Code, Params: p.Message.Params}
		}
		Fail(c, problem.Validation("The input breaks one or more rules.", fes...))
	case errors.As(err, &se):
		Fail(c, problem.Conflict(se.Reason).Because(se.Message.Code, se.Message.Params))
	case errors.As(err, &fb):
		Fail(c, problem.Forbidden(fb.Reason).Because(fb.Message.Code, fb.Message.Params))
	case errors.Is(err, rules.ErrNotFound):
		Fail(c, problem.NotFound("No such resource in your region."))
	case errors.Is(err, optimistic.ErrPreconditionFailed):
		Fail(c, problem.KindPreconditionFailed.New("The resource changed since the version in If-Match; fetch it again, apply your change to the new version and send its ETag."))
	case errors.Is(err, rules.ErrConflict):
		Fail(c, problem.Conflict("The resource was changed by someone else at the same moment; try again."))
	default:
		Fail(c, err)
	}
}

// List is the envelope of every collection response.
type List[T any] struct {
	Items []T `json:"items"`
}

// Respond writes v with status, or the problem for err. An aggregate (one that embeds
// optimistic.StoreVersion) is sent with its ETag; a GET whose If-None-Match names it is answered 304.
func Respond[T any](c *gin.Context, status int, v T, err error) {
	if err != nil {
		Problem(c, err)
		return
	}
	answer(c, status, v, v)
}

// RespondAs writes wire(*v), the domain's v in its generated wire type, with v's ETag; or
// the problem for err.
func RespondAs[T, W any](c *gin.Context, status int, v *T, err error, wire func(T) W) {
	if err != nil {
		Problem(c, err)
		return
	}
	answer(c, status, v, wire(*v))
}

// CreatedAs answers 201 with wire(*v) and the new resource's Location.
func CreatedAs[T, W any](c *gin.Context, location func(*T) string, v *T, err error, wire func(T) W) {
	if err == nil {
		c.Header("Location", location(v))
	}
	RespondAs(c, http.StatusCreated, v, err, wire)
}

// answer writes body with the ETag of the aggregate it shows, if it is one (it embeds
// optimistic.StoreVersion); a GET whose If-None-Match names it is answered 304.
func answer(c *gin.Context, status int, aggregate, body any) {
	if r, ok := aggregate.(optimistic.Versioned); ok && r.CurrentVersion() > 0 {
		etag := ETag(r.CurrentVersion())
		c.Header("ETag", etag)
		if notModified(c, etag) {
			return
		}
	}
	c.JSON(status, body)
}

// Created answers 201 with the new resource and its Location (a path of this API).
func Created[T any](c *gin.Context, location func(T) string, v T, err error) {
	if err == nil {
		c.Header("Location", location(v))
	}
	Respond(c, http.StatusCreated, v, err)
}

// RespondListAs writes {"items": v} in the generated wire type, or the problem for err.
func RespondListAs[T, W any](c *gin.Context, v []T, err error, wire func(T) W) {
	RespondList(c, convert.Each(v, wire), err)
}

// RespondList writes {"items": v}, or the problem for err.
func RespondList[T any](c *gin.Context, v []T, err error) {
	if err != nil {
		Problem(c, err)
		return
	}
	if v == nil {
		v = []T{}
	}
	c.JSON(http.StatusOK, List[T]{Items: v})
}
