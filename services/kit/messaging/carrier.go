package messaging

import (
	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
)

// HeaderCarrier adapts kafka-go headers to OpenTelemetry's TextMapCarrier, so trace context
// travels as W3C traceparent/tracestate headers (there is no instrumentation for kafka-go).
type HeaderCarrier struct{ Headers *[]kafka.Header }

var _ propagation.TextMapCarrier = HeaderCarrier{}

func (c HeaderCarrier) Get(key string) string {
	v, _ := header(*c.Headers, key)
	return v
}

func (c HeaderCarrier) Set(key, value string) {
	hs := *c.Headers
	for i := range hs {
		if hs[i].Key == key {
			hs[i].Value = []byte(value)
			return
		}
	}
	*c.Headers = append(hs, kafka.Header{Key: key, Value: []byte(value)})
}

func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(*c.Headers))
	for _, h := range *c.Headers {
		keys = append(keys, h.Key)
	}
	return keys
}

// W3C is the propagator used on Kafka: traceparent/tracestate and baggage headers, whatever
// the process-wide propagator is, because the header format is part of the event contract.
var W3C propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
