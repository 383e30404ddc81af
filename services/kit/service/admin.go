package service

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/commonapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

// mountAdmin adds the operations every service offers its region's administrators: the
// outbox's parked events (list, republish after a fix, discard), the consumers' dead
// letters (list, replay after a fix, discard) and rebuilding a view from the commit log. Each action names the administrator in the log and on the commit.
func (p *Platform) mountAdmin() {
	g := p.API.Group("/admin", auth.Require(auth.RoleAdmin))
	g.GET("/outbox/parked", func(c *gin.Context) {
		q := httpserver.ListQuery(c)
		if !q.OK() {
			return
		}
		items, err := p.Store.Parked(c, q.Page.Limit)
		httpserver.RespondPage(c, paging.Page[store.ParkedCommit]{Items: items}, err)
	})
	g.POST("/outbox/parked/republish", func(c *gin.Context) {
		in, ok := httpserver.Bind[commonapi.RepublishParkedEventsJSONBody](c)
		if !ok {
			return
		}
		who := auth.Of(c).Subject
		err := p.Store.Republish(c, in.Commit, who)
		if err == nil {
			p.Log.InfoContext(c, "parked commit republished on request", "commit", in.Commit, "by", who)
		}
		respondAdmin(c, err)
	})
	g.POST("/outbox/parked/discard", func(c *gin.Context) {
		in, ok := httpserver.Bind[commonapi.DiscardParkedEventsJSONBody](c)
		if !ok {
			return
		}
		if r := strings.TrimSpace(in.Reason); r == "" || len(r) > 300 {
			httpserver.Problem(c, rules.Invalid("reason", "say why the events may be dropped (at most 300 characters)"))
			return
		}
		who := auth.Of(c).Subject
		err := p.Store.Discard(c, in.Commit, who, in.Reason)
		if err == nil {
			p.Log.WarnContext(c, "parked commit discarded on request", "commit", in.Commit, "by", who, "reason", in.Reason)
		}
		respondAdmin(c, err)
	})
	p.mountDeadLetters(g)
	g.POST("/views/:kind/rebuild", func(c *gin.Context) {
		n, err := p.Store.Rebuild(c, c.Param("kind"))
		if errors.Is(err, store.ErrNoView) {
			err = rules.ErrNotFound
		}
		if err == nil {
			p.Log.InfoContext(c, "view rebuilt on request", "view", c.Param("kind"), "by", auth.Of(c).Subject, "aggregates", n)
		}
		httpserver.Respond(c, http.StatusOK, gin.H{"view": c.Param("kind"), "aggregates": n}, err)
	})
}

func respondAdmin(c *gin.Context, err error) {
	if errors.Is(err, store.ErrNotParked) {
		err = rules.ErrNotFound
	}
	if err != nil {
		httpserver.Problem(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
