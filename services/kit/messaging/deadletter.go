package messaging

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/rules"
)

// DeadLetter is a message a consumer group could not accept, as it was read, with the
// reason: what an administrator replays after a fix, or discards.
type DeadLetter struct {
	Group     string
	Topic     string
	Partition int
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []kafka.Header
	Reason    string
	// Why is the reason by its rule, when it states one, for people to read in Dutch.
	Why messages.Message
	At  time.Time
}

// Header is the value of a header of the dead letter's message ("" when absent).
func (d DeadLetter) Header(key string) string {
	for _, h := range d.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// deadLetter sets a message aside with the reason, the original headers and where it came
// from: kept for the administrators (Keep) and on the dead-letter topic. Both are retried
// until they succeed (or ctx ends): the message is never lost and never skipped, and the
// consumer never stops over it.
func (c *Consumer) deadLetter(ctx context.Context, m kafka.Message, reason error) {
	why, ok := rules.MessageOf(reason)
	if !ok { // a failure of the handler's own (a panic, an event of another region)
		why = messages.Of("the message could not be handled; the technical reason says why")
	}
	for i, p := range why.Params {
		why.Params[i] = privacy.Redact(p)
	}
	reason = privacy.RedactError(reason) // a reason quotes input, which may hold a BSN in the wrong field
	dlq := DeadLetterTopic(m.Topic)
	c.cfg.Logger.WarnContext(ctx, "message dead-lettered", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "dead_letter_topic", dlq, "reason", reason.Error())
	trace.SpanFromContext(ctx).AddEvent("dead-lettered", trace.WithAttributes(attribute.String("reason", reason.Error())))
	now := time.Now().UTC()
	if c.cfg.Keep != nil {
		d := DeadLetter{Group: c.cfg.GroupID, Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value,
			Headers: m.Headers, Reason: reason.Error(), Why: why, At: now}
		c.retryUntilDone(ctx, "keeping a dead letter failed; retrying", dlq, func() error { return c.cfg.Keep(ctx, d) })
	}
	headers := map[string]string{
		HeaderDLQReason:    reason.Error(),
		HeaderDLQTopic:     m.Topic,
		HeaderDLQPartition: strconv.Itoa(m.Partition),
		HeaderDLQOffset:    itoa(m.Offset),
		HeaderDLQGroup:     c.cfg.GroupID,
		HeaderDLQTime:      now.Format(time.RFC3339Nano),
	}
	if c.retryUntilDone(ctx, "dead-letter topic unavailable; retrying", dlq, func() error { return c.cfg.DeadLetters.publishRaw(ctx, dlq, m, headers) }) {
		c.deadLettered.Add(ctx, 1, metric.WithAttributes(semconv.MessagingDestinationName(m.Topic)))
	}
}

// retryUntilDone runs f until it succeeds (true) or ctx ends (false).
func (c *Consumer) retryUntilDone(ctx context.Context, msg, dlq string, f func() error) bool {
	backoff := c.cfg.MinBackoff
	for {
		err := f()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.dlqFailures.Add(ctx, 1, metric.WithAttributes(semconv.MessagingDestinationName(dlq)))
		c.cfg.Logger.ErrorContext(ctx, msg, "dead_letter_topic", dlq, "error", err.Error(), "retry_in", backoff.String())
		backoff = min(c.pause(ctx, backoff), 30*time.Second)
	}
}

// Group is the consumer group's id.
func (c *Consumer) Group() string { return c.cfg.GroupID }

// ErrNotWanted says a replayed message is of a type this group does not handle.
var ErrNotWanted = errors.New("messaging: the group does not handle this type of event")

// Replay takes a dead letter through the chain once more, after a fix: the schema, then
// the handler, once (handlers are idempotent, so a message that was half done or is
// replayed twice counts once). It returns nil when it was handled, the reason when it is
// still refused (IsPermanent) and any other error when it failed for a reason that may pass.
func (c *Consumer) Replay(ctx context.Context, d DeadLetter) error {
	m := kafka.Message{Topic: d.Topic, Partition: d.Partition, Offset: d.Offset, Key: d.Key, Value: d.Value, Headers: d.Headers}
	mctx, span := c.startProcessSpan(ctx, m)
	defer span.End()
	span.SetAttributes(attribute.Bool("werkregio.replay", true))
	signer, err := c.origin(m)
	e, signer, skip, _, err := c.admit(m, proven{signer: signer, err: err})
	if err != nil {
		return Permanent(err)
	}
	if skip {
		return Permanent(ErrNotWanted)
	}
	err = c.Recoverer(c.cfg.Handler)(mctx, []Message{{Event: e, Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Signer: signer, ctx: mctx, raw: m}})
	var rej Rejections
	if errors.As(err, &rej) {
		return Permanent(rej[0])
	}
	if errors.Is(err, errPanicked) {
		return Permanent(err)
	}
	return err
}
