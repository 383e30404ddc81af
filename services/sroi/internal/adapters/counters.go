package adapters

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Counters count, for operations, what would let a person count twice unseen: a claim on
// the shared topic or a placement from participants made with another pseudonym key than
// this region's (PERSON_PSEUDONYM_KEY must be the same everywhere).
type Counters struct{ mismatch metric.Int64Counter }

// NewCounters registers werkregio.sroi.pseudonym_key.mismatches.
func NewCounters(meter metric.Meter) (*Counters, error) {
	c, err := meter.Int64Counter("werkregio.sroi.pseudonym_key.mismatches",
		metric.WithDescription("Claims and placements refused because their pseudonym key differs from this region's"))
	return &Counters{mismatch: c}, err
}

// KeyMismatch counts one, by where it came from (claim, placement).
func (c *Counters) KeyMismatch(ctx context.Context, source string) {
	c.mismatch.Add(ctx, 1, metric.WithAttributes(attribute.String("source", source)))
}
