package adapters

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/werkregio/platform/services/payments/internal/domain"
)

// RegisterGauges reports, at each scrape, what finance and operations watch: the tranches
// held now (a pre-check failed: no contract, account or budget) and each budget's share
// still free (the alert "budget nearly exhausted" fires below a tenth). One indexed count
// and the region's few budgets per scrape, whatever the region's age.
func RegisterGauges(meter metric.Meter, repo *Repository, region string) error {
	held, err := meter.Int64ObservableGauge("werkregio.payments.tranches.held",
		metric.WithDescription("Tranches held now by a pre-check (no contract, bank account or budget)"))
	if err != nil {
		return err
	}
	free, err := meter.Float64ObservableGauge("werkregio.payments.budget.free_ratio",
		metric.WithDescription("Share of a budget's grant not committed, due or paid (0..1)"))
	if err != nil {
		return err
	}
	freeCents, err := meter.Int64ObservableGauge("werkregio.payments.budget.free", metric.WithUnit("{cent}"),
		metric.WithDescription("Euro cents of a budget not committed, due or paid"))
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		if n, err := repo.CountTranches(ctx, region, domain.TrancheHeld); err == nil {
			o.ObserveInt64(held, n)
		}
		return repo.EachBudget(ctx, region, func(b *domain.Budget) error {
			attrs := metric.WithAttributes(attribute.String("budget", b.ID), attribute.String("source", b.Source))
			if b.Granted > 0 {
				o.ObserveFloat64(free, float64(b.Free)/float64(b.Granted), attrs)
			}
			o.ObserveInt64(freeCents, int64(b.Free), attrs)
			return nil
		})
	}, held, free, freeCents)
	return err
}
