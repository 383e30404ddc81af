package messaging

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/segmentio/kafka-go"
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/rules"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The consumer's chain, a small named step each, as watermill's router composes its
// middlewares. A fetched message is first admitted (admit: well formed, ProvenOrigin,
// ValidSchema, then WantedType or skipped); the handler then runs inside, from the outside
// in, OneAtATime, PoisonQueue, Retry and Recoverer.

// Middleware is one step around a handler.
type Middleware func(Handler) Handler

// Chain wraps h in steps, the first outermost.
func Chain(h Handler, steps ...Middleware) Handler {
	for i := len(steps) - 1; i >= 0; i-- {
		h = steps[i](h)
	}
	return h
}

// chain is this consumer's handler with its steps.
func (c *Consumer) chain() Handler {
	return Chain(c.cfg.Handler, c.OneAtATime, c.PoisonQueue, c.Retry, c.Recoverer)
}

// admit runs the checks a message passes before anything of it is read further: that it
// is an event at all, who sent it (first: nothing of a message whose origin is not proven
// is looked at), and that it is what its schema promises. It returns the reason a message
// can never be handled (and what kind of refusal it is), or skip for a valid event of a
// type the group does not want.
func (c *Consumer) admit(m kafka.Message, origin proven) (e Event, signer string, skip bool, refusal string, reason error) {
	if e, reason = eventFrom(m); reason != nil {
		return e, "", false, "invalid message", saying(reason, messages.Of("the message is not an event of the platform"))
	}
	if signer, reason = c.ProvenOrigin(origin); reason != nil {
		return e, "", false, "origin not proven", saying(reason, messages.Of("the sender of the message is not proven by a signature this region trusts"))
	}
	if reason = c.ValidSchema(e); reason != nil {
		return e, "", false, "invalid message", saying(reason, messages.Of("the event is not what the schema of its type promises"))
	}
	return e, signer, !c.WantedType(e), "", nil
}

// saying gives a refusal the rule people read (the technical reason stays its detail).
func saying(reason error, why messages.Message) error {
	if _, ok := rules.MessageOf(reason); ok {
		return reason
	}
	return &rules.Rejected{Reason: reason, Message: why}
}

// ProvenOrigin: the message was signed by a key the consumer trusts for its topic.
func (c *Consumer) ProvenOrigin(p proven) (string, error) { return p.signer, p.err }

// ValidSchema: the event's data is what its type's JSON Schema promises.
func (c *Consumer) ValidSchema(e Event) error {
	if c.cfg.Validator == nil {
		return nil
	}
	return c.cfg.Validator.Validate(e.Type, e.Data)
}

// WantedType: the group handles events of this type (all, when it names none).
func (c *Consumer) WantedType(e Event) bool { return len(c.types) == 0 || c.types[e.Type] }

// PoisonQueue dead-letters, with its reason, each message the steps within reject; the
// others are done. Nothing else ends a batch but the end of the context.
func (c *Consumer) PoisonQueue(next Handler) Handler {
	return func(ctx context.Context, batch []Message) error {
		err := next(ctx, batch)
		var rej Rejections
		if !errors.As(err, &rej) {
			return err
		}
		for i, reason := range rej {
			c.deadLetter(batch[i].ctx, batch[i].raw, reason)
		}
		return nil
	}
}

// errSplit: a batch keeps failing (or one of its messages can never succeed, but which?).
type errSplit struct{ err error }

func (e *errSplit) Error() string { return "the batch keeps failing: " + e.err.Error() }
func (e *errSplit) Unwrap() error { return e.err }

// OneAtATime handles the messages of a batch that keeps failing one by one, so that only
// the one at fault waits (and its successors, whose order it keeps: a message refused is
// dead-lettered before the next is handled) and the good ones go on.
func (c *Consumer) OneAtATime(next Handler) Handler {
	return func(ctx context.Context, batch []Message) error {
		err := next(ctx, batch)
		var split *errSplit
		if !errors.As(err, &split) || ctx.Err() != nil {
			return err
		}
		c.cfg.Logger.WarnContext(ctx, "batch keeps failing; handling its messages one at a time", "group", c.cfg.GroupID, "messages", len(batch), "error", split.err.Error())
		for i := range batch {
			if err := next(ctx, batch[i:i+1]); err != nil {
				return err // the context ended
			}
		}
		return nil
	}
}

// Retry calls the handler until it succeeds or rejects messages. A failure that may pass is
// retried without limit with jittered backoff; after AlertAfter tries while healthy the
// messages count as stuck (once, with an ERROR line). A batch gives up instead (errSplit),
// as it does at once on an error that can never pass, so that OneAtATime finds the message
// at fault. A panic repeated AlertAfter times rejects the message: it is a bug, and the dead
// letter is its reproduction and its replay.
func (c *Consumer) Retry(next Handler) Handler {
	return func(ctx context.Context, batch []Message) error {
		split := len(batch) > 1
		backoff := c.cfg.MinBackoff
		stuck := false
		defer func() {
			if stuck {
				c.stuck.Add(context.WithoutCancel(ctx), -int64(len(batch)))
			}
		}()
		for attempt := 1; ; {
			err := next(ctx, batch)
			if err == nil {
				c.back(ctx)
				return nil
			}
			var rej Rejections
			if errors.As(err, &rej) {
				return rej
			}
			if IsPermanent(err) {
				if split { // which message is unfit? one at a time says
					return &errSplit{err}
				}
				return rejectAll(batch, err)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			counted := c.cfg.Healthy(ctx) == nil
			if counted {
				if attempt >= c.cfg.AlertAfter {
					if split {
						return &errSplit{err}
					}
					if errors.Is(err, errPanicked) {
						return rejectAll(batch, fmt.Errorf("panicked on %d tries: %w", attempt, err))
					}
					if !stuck {
						stuck = true
						c.stuck.Add(ctx, int64(len(batch)))
						m := batch[0]
						c.cfg.Logger.ErrorContext(ctx, "message keeps failing; retrying until it succeeds", "group", c.cfg.GroupID,
							"topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "attempts", attempt, "error", err.Error())
					}
				} else {
					attempt++
				}
			}
			c.retries.Add(ctx, 1)
			switch {
			case !counted: // the database is away: said once per outage
				c.waiting(ctx, "handler failed while its database is away; retrying", err)
			case !stuck:
				c.cfg.Logger.WarnContext(ctx, "handler failed, retrying", "group", c.cfg.GroupID, "attempt", attempt,
					"backoff", backoff.String(), "error", err.Error())
			}
			backoff = c.pause(ctx, backoff)
		}
	}
}

func rejectAll(batch []Message, err error) Rejections {
	rej := Rejections{}
	for i := range batch {
		rej[i] = err
	}
	return rej
}

// errPanicked marks a handler's panic.
var errPanicked = errors.New("handler panicked")

// Recoverer turns a handler's panic into an error (errPanicked), with the stack in the log.
func (c *Consumer) Recoverer(next Handler) Handler {
	return func(ctx context.Context, batch []Message) (err error) {
		defer func() {
			if v := recover(); v != nil {
				c.panics.Add(ctx, 1)
				c.cfg.Logger.ErrorContext(ctx, "handler panicked", "group", c.cfg.GroupID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				err = fmt.Errorf("%w: %v", errPanicked, v)
			}
		}()
		return next(ctx, batch)
	}
}

// refuse dead-letters a message admit refused, before any handler saw it.
func (c *Consumer) refuse(ctx context.Context, m kafka.Message, span trace.Span, refusal string, reason error) {
	span.SetStatus(codes.Error, refusal)
	c.deadLetter(ctx, m, reason)
}
