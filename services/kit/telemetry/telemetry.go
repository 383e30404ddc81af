// Package telemetry sets up OpenTelemetry traces and metrics for a service: spans go to an
// OTLP endpoint when one is configured, metrics are served on /metrics for Prometheus and
// pushed over OTLP too when configured.
package telemetry

import (
	"context"
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Config says where telemetry goes.
type Config struct {
	ServiceName    string
	ServiceVersion string
	Region         string
	// OTLPEndpoint is an OTLP/HTTP base URL such as http://otel-collector:4318; empty keeps
	// spans in process (they still give log lines their trace ids).
	OTLPEndpoint string
	// SampleRatio of new traces to keep (0..1); incoming sampled parents are always honoured.
	SampleRatio float64
	// SpanProcessors are added to the tracer provider; tests use them to capture spans.
	SpanProcessors []sdktrace.SpanProcessor
}

// Telemetry holds the providers and the Prometheus handler.
type Telemetry struct {
	Tracers        *sdktrace.TracerProvider
	Meters         *sdkmetric.MeterProvider
	MetricsHandler http.Handler
	shutdown       []func(context.Context) error
}

// Propagator is the W3C trace context and baggage propagator used on HTTP and Kafka.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Setup builds the providers and installs them as the process globals.
func Setup(ctx context.Context, cfg Config) (*Telemetry, error) {
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(cfg.ServiceName),
		semconv.ServiceVersion(cfg.ServiceVersion),
		semconv.ServiceNamespace("werkregio"),
		attribute.String("werkregio.region", cfg.Region),
	))
	if err != nil {
		// A schema URL clash between the default and our attributes is not fatal.
		res = resource.NewSchemaless(semconv.ServiceName(cfg.ServiceName))
	}
	t := &Telemetry{}

	traceOpts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	}
	for _, sp := range cfg.SpanProcessors {
		traceOpts = append(traceOpts, sdktrace.WithSpanProcessor(sp))
	}
	if cfg.OTLPEndpoint != "" {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.OTLPEndpoint+"/v1/traces"))
		if err != nil {
			return nil, err
		}
		traceOpts = append(traceOpts, sdktrace.WithBatcher(exp))
	}
	t.Tracers = sdktrace.NewTracerProvider(traceOpts...)
	t.shutdown = append(t.shutdown, t.Tracers.Shutdown)

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	promExp, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		return nil, err
	}
	meterOpts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(promExp)}
	if cfg.OTLPEndpoint != "" {
		mexp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(cfg.OTLPEndpoint+"/v1/metrics"))
		if err != nil {
			return nil, err
		}
		meterOpts = append(meterOpts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp)))
	}
	t.Meters = sdkmetric.NewMeterProvider(meterOpts...)
	t.shutdown = append(t.shutdown, t.Meters.Shutdown)
	t.MetricsHandler = promhttp.HandlerFor(registry, promhttp.HandlerOpts{})

	otel.SetTracerProvider(t.Tracers)
	otel.SetMeterProvider(t.Meters)
	otel.SetTextMapPropagator(Propagator)
	return t, nil
}

// Shutdown flushes and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range t.shutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}
