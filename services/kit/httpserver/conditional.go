package httpserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/problem"
)

// ETag is the strong entity tag of an aggregate's version: "7".
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// parseETag reads one strong entity tag made by ETag. A weak tag never matches: If-Match
// compares strongly (RFC 9110, 13.1.1).
func parseETag(raw string) (int, bool) {
	raw = strings.TrimSpace(raw)
	if !strings.HasPrefix(raw, `"`) || !strings.HasSuffix(raw, `"`) || len(raw) < 3 {
		return 0, false
	}
	n, err := strconv.Atoi(raw[1 : len(raw)-1])
	return n, err == nil && n > 0
}

// Conditional makes changes safe against lost updates (RFC 9110, RFC 6585):
// PUT, PATCH and DELETE need If-Match with the ETag of the version the client changed
// (428 without it); any change with an If-Match fails with 412 when the resource has
// moved on since. The store checks the version when it saves, so no change made in between
// (a withdrawn consent, a newer address) is overwritten by an older copy.
func Conditional() gin.HandlerFunc {
	return func(c *gin.Context) {
		raw := c.GetHeader("If-Match")
		switch c.Request.Method {
		case http.MethodPut, http.MethodPatch, http.MethodDelete:
			if raw == "" {
				abortWith(c, problem.KindPreconditionRequired.New("Send If-Match with the ETag of the version you are changing (from its GET), so that a change made in between is not overwritten."))
				return
			}
		case http.MethodPost:
			if raw == "" {
				c.Next()
				return
			}
		default:
			c.Next()
			return
		}
		n, ok := parseETag(raw)
		if !ok {
			// "*" (any version) is refused too: an update names the version it was made on.
			abortWith(c, problem.KindPreconditionFailed.New(`If-Match must be one ETag as this API sent it, e.g. "3".`))
			return
		}
		c.Request = c.Request.WithContext(optimistic.WithIfMatch(c.Request.Context(), n))
		c.Next()
	}
}

// notModified answers a GET whose If-None-Match names the current version.
func notModified(c *gin.Context, etag string) bool {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return false
	}
	for tag := range strings.SplitSeq(c.GetHeader("If-None-Match"), ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/") // If-None-Match compares weakly
		if tag == etag || tag == "*" {
			c.Status(http.StatusNotModified)
			return true
		}
	}
	return false
}

func abortWith(c *gin.Context, p *problem.Problem) {
	_ = c.Error(p)
	c.Abort()
}
