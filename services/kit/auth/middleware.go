package auth

import (
	"errors"
	"strings"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/services/kit/problem"
)

// TokenVerifier turns a bearer token into a principal.
type TokenVerifier interface {
	Verify(token string) (Principal, error)
}

// Authenticate rejects requests without a valid bearer token and stores the principal.
// A token of another region than this instance serves is rejected too: one platform
// instance serves one labour-market region.
func Authenticate(v TokenVerifier, region string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", "Bearer")
			abort(c, problem.Unauthorized("Send a bearer token in the Authorization header."))
			return
		}
		p, err := v.Verify(token)
		if errors.Is(err, ErrKeysStale) {
			c.Header("Retry-After", "30")
			abort(c, problem.KindUnavailable.New("The identity provider's keys could not be refreshed; try again later."))
			return
		}
		if err != nil {
			reason := "the token is not valid"
			var it *ErrInvalidToken
			if errors.As(err, &it) {
				reason = it.Reason
			}
			c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
			abort(c, problem.Unauthorized("The bearer token is not accepted: "+reason+"."))
			return
		}
		if region != "" && p.Region != region {
			abort(c, problem.Forbidden("This token belongs to another region."))
			return
		}
		trace.SpanFromContext(c.Request.Context()).SetAttributes(
			attribute.String("enduser.id", p.Subject),
			attribute.String("werkregio.region", p.Region),
		)
		c.Request = c.Request.WithContext(WithPrincipal(c.Request.Context(), p))
		c.Next()
	}
}

// Require lets the request through only when the principal has one of the roles.
func Require(roles ...Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := FromContext(c.Request.Context())
		if !ok {
			abort(c, problem.Unauthorized("No authenticated caller."))
			return
		}
		if !p.Has(roles...) {
			abort(c, problem.Forbidden("This action needs one of the roles: "+joinRoles(roles)+"."))
			return
		}
		c.Next()
	}
}

func joinRoles(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func abort(c *gin.Context, p *problem.Problem) {
	_ = c.Error(p)
	c.Abort()
}

// Of returns the principal Authenticate stored for the request.
func Of(c *gin.Context) Principal {
	p, _ := FromContext(c.Request.Context())
	return p
}
