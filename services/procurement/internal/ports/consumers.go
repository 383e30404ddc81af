package ports

import (
	"context"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/procurement/internal/app"
)

// Consumers handle the events procurement reacts to.
type Consumers struct {
	app    *app.Service
	region string
}

// NewConsumers builds the event handlers for the instance's region.
func NewConsumers(a *app.Service, region string) *Consumers {
	return &Consumers{app: a, region: region}
}

// Certificates suspends and resumes contracts when a provider's certificates change. An
// announcement older than one applied for the provider is skipped: a replayed expiry never
// suspends a contract whose certificate was renewed since.
func (h *Consumers) Certificates(seen *store.Sequences) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "procurement.certificates",
		Topics:  []string{catalog.TopicProvidersRegistry},
		Types:   []string{catalog.TypeCertificatesChanged},
		Handler: messaging.PerMessage(seen.Guard(func(ctx context.Context, m messaging.Message) error {
			ev, err := messaging.Decode[events.ProviderCertificatesChanged](m, h.region)
			if err != nil {
				return err
			}
			return h.app.ApplyProviderCertificates(ctx, app.CertificatesChanged{ProviderKvK: ev.ProviderKvK, Region: ev.Region, Valid: ev.ValidCertificates})
		})),
	}
}
