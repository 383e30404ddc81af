package httpserver

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/problem"
	"github.com/werkregio/platform/services/kit/rules"
)

// Query is a list request's query string, read strictly: a parameter the list does not know
// is an error rather than silently ignored, so a typo never returns everything.
type Query struct {
	c       *gin.Context
	allowed []string
	errs    []rules.FieldProblem
	Page    paging.Request
}

// ListQuery reads the paging parameters (limit, after, updatedSince) and prepares the
// list's own filters, which must all be named in filters.
func ListQuery(c *gin.Context, filters ...string) *Query {
	q := &Query{c: c, allowed: append([]string{"limit", "after", "updatedSince"}, filters...)}
	q.Page.Limit = paging.DefaultLimit
	if raw, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > paging.MaxLimit {
			q.fail("limit", fmt.Sprintf("must be a whole number from 1 to %d", paging.MaxLimit))
		} else {
			q.Page.Limit = n
		}
	}
	q.Page.After = c.Query("after")
	if raw, ok := c.GetQuery("updatedSince"); ok {
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			q.fail("updatedSince", "must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z")
		} else {
			q.Page.UpdatedSince = t
		}
	}
	for name, vals := range c.Request.URL.Query() {
		if !slices.Contains(q.allowed, name) {
			q.fail(name, "is not a parameter of this list; it takes "+strings.Join(q.allowed, ", "))
		} else if len(vals) > 1 {
			q.fail(name, "is given more than once")
		}
	}
	return q
}

func (q *Query) fail(param, reason string) {
	q.errs = append(q.errs, rules.FieldProblem{Field: param, Reason: reason})
}

// HistoryQuery reads the paging parameters of a history (an audit trail): limit and after,
// in the order of the changes, so updatedSince has no place there.
func HistoryQuery(c *gin.Context) *Query {
	q := ListQuery(c)
	if _, ok := c.GetQuery("updatedSince"); ok {
		q.fail("updatedSince", "a history is in the order of its changes; page it with limit and after")
	}
	return q
}

// String returns a filter's value ("" when absent).
func (q *Query) String(name string) string { return q.c.Query(name) }

// OneOf returns a filter's value, which must be one of allowed.
func (q *Query) OneOf(name string, allowed []string) string {
	v := q.c.Query(name)
	if v != "" && !slices.Contains(allowed, v) {
		q.fail(name, "must be one of "+strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// Matching returns a filter's value, which must satisfy valid (described by rule).
func (q *Query) Matching(name string, valid func(string) bool, rule string) string {
	v := q.c.Query(name)
	if v != "" && !valid(v) {
		q.fail(name, rule)
		return ""
	}
	return v
}

// OK reports whether every parameter was valid; if not it records a 400 problem.
func (q *Query) OK() bool {
	if len(q.errs) == 0 {
		return true
	}
	slices.SortFunc(q.errs, func(a, b rules.FieldProblem) int { return strings.Compare(a.Field, b.Field) })
	p := problem.BadRequest("One or more query parameters cannot be used.")
	for _, e := range q.errs {
		p.Errors = append(p.Errors, problem.FieldError{Field: e.Field, Reason: e.Reason})
	}
	Fail(q.c, p)
	return false
}

// PageBody is the envelope of every list: the items and HAL-style links to this page and
// the next one (absent on the last page), as the Dutch API design rules propose.
type PageBody[T any] struct {
	Items []T      `json:"items"`
	Links PageLink `json:"_links"`
}

// PageLink holds the page links.
type PageLink struct {
	Self Href  `json:"self"`
	Next *Href `json:"next,omitempty"`
}

// Href is a link.
type Href struct {
	Href string `json:"href"`
}

// RespondPageAs writes one page in the generated wire type (see RespondPage).
func RespondPageAs[T, W any](c *gin.Context, page paging.Page[T], err error, wire func(T) W) {
	RespondPage(c, paging.Map(page, wire), err)
}

// RespondPage writes one page with its links in the body and the next link in a Link
// header (RFC 8288), or the problem for err.
func RespondPage[T any](c *gin.Context, page paging.Page[T], err error) {
	if err != nil {
		Problem(c, err)
		return
	}
	items, next := page.Items, page.Next
	if items == nil {
		items = []T{}
	}
	body := PageBody[T]{Items: items, Links: PageLink{Self: Href{Href: c.Request.URL.RequestURI()}}}
	if next != "" {
		u := *c.Request.URL
		q := u.Query()
		q.Set("after", next)
		u.RawQuery = q.Encode()
		href := (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()
		body.Links.Next = &Href{Href: href}
		c.Header("Link", "<"+href+`>; rel="next"`)
	}
	c.JSON(http.StatusOK, body)
}
