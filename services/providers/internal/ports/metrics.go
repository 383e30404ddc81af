package ports

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/werkregio/platform/services/providers/internal/app"
)

// RegisterGauges reports the last certificate check at each scrape: the providers'
// certificates expiring within 30 days and those expired without renewal (the alerts
// "certificates expiring" and "contracts suspended" read them).
func RegisterGauges(meter metric.Meter, svc *app.Service) error {
	g, err := meter.Int64ObservableGauge("werkregio.providers.certificates",
		metric.WithDescription("Providers' certificate types by state at the last check: expiring (within 30 days) or expired (not renewed)"))
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		c := svc.Certificates()
		o.ObserveInt64(g, c.ExpiringSoon, metric.WithAttributes(attribute.String("state", "expiring")))
		o.ObserveInt64(g, c.Expired, metric.WithAttributes(attribute.String("state", "expired")))
		return nil
	}, g)
	return err
}
