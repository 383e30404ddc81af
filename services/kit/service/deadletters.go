package service

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/metric"

	"github.com/werkregio/platform/contracts/openapi/commonapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
)

// replayBatch is how many dead letters one "replay all" takes, oldest first.
const replayBatch = 200

// mountDeadLetters adds the administrators' dead letters: list them with their reasons,
// replay one or all after a fix, discard one with a reason. Every action is logged with
// the administrator and kept on the dead letter.
func (p *Platform) mountDeadLetters(g *gin.RouterGroup) {
	g.GET("/dead-letters", func(c *gin.Context) {
		q := httpserver.ListQuery(c, "status")
		if !q.OK() {
			return
		}
		status := c.DefaultQuery("status", store.DeadLetterOpen)
		if status != store.DeadLetterOpen && status != store.DeadLetterReplayed && status != store.DeadLetterDiscarded {
			httpserver.Problem(c, rules.BadQuery("status", "one of open, replayed, discarded"))
			return
		}
		items, err := p.Store.DeadLetters(c, status, q.Page.Limit)
		httpserver.RespondPage(c, paging.Page[store.DeadLetterSummary]{Items: items}, err)
	})
	g.GET("/dead-letters/:deadLetterId", func(c *gin.Context) {
		_, d, err := p.Store.DeadLetter(c, c.Param("deadLetterId"))
		if errors.Is(err, store.ErrNoDeadLetter) {
			err = rules.ErrNotFound
		}
		httpserver.Respond(c, http.StatusOK, d, err)
	})
	g.POST("/dead-letters/replay", func(c *gin.Context) {
		body, ok := httpserver.Bind[commonapi.ReplayDeadLettersJSONBody](c)
		if !ok {
			return
		}
		in := struct {
			ID  string
			All bool
		}{ID: optional.Value(body.ID), All: body.All != nil && *body.All}
		if (in.ID == "") == !in.All {
			httpserver.Problem(c, rules.Invalid("id", "name one dead letter (id) or all of them (all: true)"))
			return
		}
		who := auth.Of(c).Subject
		out := commonapi.ReplayOutcome{Replayed: []string{}, Refused: []commonapi.ReplayIssue{}, Failed: []commonapi.ReplayIssue{}}
		if in.All {
			open, err := p.Store.DeadLetters(c, store.DeadLetterOpen, replayBatch)
			if err != nil {
				httpserver.Problem(c, err)
				return
			}
			for _, d := range open {
				if err := p.replay(c, d.ID, who, &out); err != nil && !errors.Is(err, store.ErrDeadLetterClosed) {
					httpserver.Problem(c, err)
					return
				}
			}
		} else if err := p.replay(c, in.ID, who, &out); err != nil {
			if errors.Is(err, store.ErrNoDeadLetter) {
				err = rules.ErrNotFound
			}
			if errors.Is(err, store.ErrDeadLetterClosed) {
				err = rules.State("the dead letter was discarded")
			}
			httpserver.Problem(c, err)
			return
		}
		n, err := p.Store.CountOpenDeadLetters(c)
		out.Open = int(n)
		httpserver.Respond(c, http.StatusOK, out, err)
	})
	g.POST("/dead-letters/discard", func(c *gin.Context) {
		in, ok := httpserver.Bind[commonapi.DiscardDeadLetterJSONBody](c)
		if !ok {
			return
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" || len(reason) > 300 {
			httpserver.Problem(c, rules.Invalid("reason", "say why the message may be dropped (at most 300 characters)"))
			return
		}
		who := auth.Of(c).Subject
		err := p.Store.CloseDeadLetter(c, in.ID, store.DeadLetterDiscarded, store.DeadLetterEnd{By: who, At: time.Now().UTC(), Reason: reason})
		if errors.Is(err, store.ErrDeadLetterClosed) {
			if _, _, rerr := p.Store.DeadLetter(c, in.ID); errors.Is(rerr, store.ErrNoDeadLetter) {
				err = rules.ErrNotFound
			} else {
				err = rules.State("the dead letter was replayed or discarded already")
			}
		}
		if err == nil {
			p.Log.WarnContext(c, "dead letter discarded on request", "dead_letter", in.ID, "by", who, "reason", reason)
		}
		if err != nil {
			httpserver.Problem(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	})
}

// replay hands one dead letter back to the consumer group that refused it. Replayed before,
// it counts as replayed (its effect happened once; handlers are idempotent besides).
func (p *Platform) replay(ctx context.Context, id, who string, out *commonapi.ReplayOutcome) error {
	d, state, err := p.Store.DeadLetter(ctx, id)
	if err != nil {
		return err
	}
	switch state.Status {
	case store.DeadLetterReplayed:
		out.Replayed = append(out.Replayed, id)
		return nil
	case store.DeadLetterDiscarded:
		return store.ErrDeadLetterClosed
	}
	var consumer *messaging.Consumer
	for _, c := range p.consumers {
		if c.Group() == d.Group {
			consumer = c
		}
	}
	if consumer == nil {
		out.Refused = append(out.Refused, commonapi.ReplayIssue{ID: id, Reason: "no consumer group " + d.Group + " in this service"})
		return nil
	}
	err = consumer.Replay(ctx, d)
	switch {
	case err == nil:
		if err := p.Store.CloseDeadLetter(ctx, id, store.DeadLetterReplayed, store.DeadLetterEnd{By: who, At: time.Now().UTC()}); err != nil && !errors.Is(err, store.ErrDeadLetterClosed) {
			return err
		}
		p.Log.InfoContext(ctx, "dead letter replayed on request", "dead_letter", id, "topic", d.Topic, "by", who)
		out.Replayed = append(out.Replayed, id)
	case messaging.IsPermanent(err):
		reason := err.Error()
		if err := p.Store.NoteReplayRefused(ctx, id, reason); err != nil {
			return err
		}
		p.Log.WarnContext(ctx, "dead letter replayed on request and refused again", "dead_letter", id, "topic", d.Topic, "by", who, "reason", reason)
		out.Refused = append(out.Refused, commonapi.ReplayIssue{ID: id, Reason: reason})
	default:
		out.Failed = append(out.Failed, commonapi.ReplayIssue{ID: id, Reason: err.Error()})
	}
	return nil
}

// countDeadLetters keeps the gauge of open dead letters for the alert.
func (p *Platform) countDeadLetters() {
	var open atomic.Int64
	meter := p.Telemetry.Meters.Meter("github.com/werkregio/platform/services/kit/service")
	_, _ = meter.Int64ObservableGauge("werkregio.messaging.dead_letters.open",
		metric.WithDescription("Dead letters waiting for an administrator's replay or discard"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error { o.Observe(open.Load()); return nil }))
	p.AddJob("dead-letters-count", time.Minute, func(ctx context.Context, _ time.Time) error {
		n, err := p.Store.CountOpenDeadLetters(ctx)
		if err == nil {
			open.Store(n)
		}
		return err
	})
}
