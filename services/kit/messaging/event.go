// Package messaging carries CloudEvents over Kafka with kafka-go: binary-mode CloudEvents
// headers, W3C trace context in headers, spans per the OpenTelemetry messaging conventions,
// schema validation of everything consumed, retries, and a dead-letter topic.
package messaging

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/werkregio/platform/services/kit/rules"
)

// CloudEvents binary-mode header names (CloudEvents Kafka protocol binding 1.0).
const (
	HeaderSpecVersion = "ce_specversion"
	HeaderID          = "ce_id"
	HeaderSource      = "ce_source"
	HeaderType        = "ce_type"
	HeaderTime        = "ce_time"
	HeaderSubject     = "ce_subject"
	// HeaderSequence is the CloudEvents sequence extension: the version of the aggregate
	// the event came from, so that consumers keeping a replica can ignore older events.
	HeaderSequence    = "ce_sequence"
	HeaderContentType = "content-type"
	SpecVersion       = "1.0"
	JSON              = "application/json"
)

// Dead-letter headers: why a message was set aside and where it came from.
const (
	HeaderDLQReason    = "dlq_reason"
	HeaderDLQTopic     = "dlq_original_topic"
	HeaderDLQPartition = "dlq_original_partition"
	HeaderDLQOffset    = "dlq_original_offset"
	HeaderDLQGroup     = "dlq_consumer_group"
	HeaderDLQTime      = "dlq_time"
)

// DeadLetterTopic names the dead-letter topic of a source topic.
func DeadLetterTopic(topic string) string { return topic + ".dlq" }

// Event is one CloudEvent. Data is the JSON payload; Key is the Kafka key (aggregate id).
type Event struct {
	ID      string
	Type    string
	Source  string
	Subject string
	Time    time.Time
	Key     string
	Data    []byte
	// Sequence is the version of the aggregate that caused the event (0: not given).
	Sequence int
}

func (e Event) headers() []kafka.Header {
	h := []kafka.Header{
		{Key: HeaderSpecVersion, Value: []byte(SpecVersion)},
		{Key: HeaderID, Value: []byte(e.ID)},
		{Key: HeaderSource, Value: []byte(e.Source)},
		{Key: HeaderType, Value: []byte(e.Type)},
		{Key: HeaderTime, Value: []byte(e.Time.UTC().Format(time.RFC3339Nano))},
		{Key: HeaderContentType, Value: []byte(JSON)},
	}
	if e.Subject != "" {
		h = append(h, kafka.Header{Key: HeaderSubject, Value: []byte(e.Subject)})
	}
	if e.Sequence > 0 {
		h = append(h, kafka.Header{Key: HeaderSequence, Value: []byte(strconv.Itoa(e.Sequence))})
	}
	return h
}

// header returns the value of the first header named key.
func header(hs []kafka.Header, key string) (string, bool) {
	for _, h := range hs {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

// eventFrom reads a binary-mode CloudEvent; the error says what is wrong with it.
func eventFrom(m kafka.Message) (Event, error) {
	var missing []string
	get := func(k string) string {
		v, ok := header(m.Headers, k)
		if !ok || v == "" {
			missing = append(missing, k)
		}
		return v
	}
	e := Event{
		ID: get(HeaderID), Type: get(HeaderType), Source: get(HeaderSource),
		Key: string(m.Key), Data: m.Value,
	}
	spec := get(HeaderSpecVersion)
	e.Subject, _ = header(m.Headers, HeaderSubject)
	if seq, ok := header(m.Headers, HeaderSequence); ok {
		n, err := strconv.Atoi(seq)
		if err != nil || n < 1 {
			return e, fmt.Errorf("ce_sequence must be a positive integer, got %q", seq)
		}
		e.Sequence = n
	}
	if len(missing) > 0 {
		return e, fmt.Errorf("not a CloudEvent: missing headers %v", missing)
	}
	if spec != SpecVersion {
		return e, fmt.Errorf("unsupported CloudEvents specversion %q", spec)
	}
	if ct, ok := header(m.Headers, HeaderContentType); ok && ct != JSON {
		return e, fmt.Errorf("content-type must be %s, got %q", JSON, ct)
	}
	if ts, ok := header(m.Headers, HeaderTime); ok {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return e, fmt.Errorf("ce_time is not an RFC 3339 timestamp: %q", ts)
		}
		e.Time = t
	}
	return e, nil
}

// Validator checks event data against the event type's JSON Schema.
type Validator interface {
	Validate(eventType string, data []byte) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not retryable: the message goes to the dead-letter topic.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Rejections maps batch indexes to the permanent error of that message. A handler returns
// it to dead-letter some messages of a batch while the rest count as done.
type Rejections map[int]error

func (r Rejections) Error() string { return fmt.Sprintf("%d message(s) rejected", len(r)) }

// PermanentIfRejected marks the application's rejections (rules.Rejected) for the
// dead-letter topic; other errors stay retryable.
func PermanentIfRejected(err error) error {
	var r *rules.Rejected
	if errors.As(err, &r) {
		return Permanent(err)
	}
	return err
}
