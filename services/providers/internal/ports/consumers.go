package ports

import (
	"context"
	"errors"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/providers/internal/app"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Procurement builds offers from procurement's contract and terms events. An event older
// than one applied for the same contract or scheme (a replay, a redelivery after a newer
// one) is skipped, so an offer never falls back to an earlier contract status.
func Procurement(a *app.Service, region string, seen *store.Sequences) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "providers.procurement",
		Topics:  []string{catalog.TopicProcurementContracts, catalog.TopicProcurementSchemes},
		Types: []string{catalog.TypeContractAwarded, catalog.TypeContractExtended, catalog.TypeContractSuspended, catalog.TypeContractResumed,
			catalog.TypeContractEnded, catalog.TypeProductTermsChanged},
		Handler: messaging.PerMessage(seen.Guard(func(ctx context.Context, m messaging.Message) error {
			switch m.Type {
			case catalog.TypeContractAwarded:
				ev, err := messaging.Decode[events.ContractAwarded](m, region)
				if err != nil {
					return err
				}
				return a.OnContractAwarded(ctx, contractAwarded(ev))
			case catalog.TypeContractExtended:
				ev, err := messaging.Decode[events.ContractExtended](m, region)
				if err != nil {
					return err
				}
				if err := a.OnContractExtended(ctx, contractExtended(ev)); errors.Is(err, rules.ErrNotFound) {
					return messaging.Permanent(err)
				} else if err != nil {
					return err
				}
				return nil
			case catalog.TypeProductTermsChanged:
				ev, err := messaging.Decode[events.ProductTermsChanged](m, region)
				if err != nil {
					return err
				}
				return a.OnTermsChanged(ctx, app.TermsChanged{SchemeID: ev.SchemeID, Region: ev.Region, ProductID: ev.ProductID, Terms: trajectory.TermsOf(ev.Terms)})
			default:
				ev, err := messaging.Decode[events.ContractSuspended](m, region) // resumed and ended alike
				if err != nil {
					return err
				}
				status := map[string]string{
					catalog.TypeContractSuspended: domain.ContractSuspended,
					catalog.TypeContractResumed:   domain.ContractActive,
					catalog.TypeContractEnded:     domain.ContractEnded,
				}[m.Type]
				err = a.OnContractStatus(ctx, app.ContractStatusChanged{ContractID: ev.ContractID}, status)
				if err != nil && errors.Is(err, rules.ErrNotFound) {
					return messaging.Permanent(err)
				}
				return err
			}
		})),
	}
}

// Tranches keeps payments' word on a provider's tranches (paid, held) for the provider's
// e-mail; a redelivered event is one notice.
func Tranches(a *app.Service, region string) messaging.ConsumerConfig {
	return messaging.ConsumerConfig{
		GroupID: "providers.tranches",
		Topics:  []string{catalog.TopicPaymentsTranches},
		Types:   []string{catalog.TypeTranchePaid, catalog.TypeTrancheHeld},
		Handler: messaging.PerMessage(func(ctx context.Context, m messaging.Message) error {
			t, err := messaging.Decode[events.TrancheEvent](m, region)
			if err != nil {
				return err
			}
			holds := make([]string, len(t.Holds))
			for i, h := range t.Holds {
				holds[i] = string(h.Code)
			}
			at := time.Time(t.At)
			return a.NoteTranche(ctx, app.TrancheNotice{ID: t.TrancheID + "/" + string(t.Status) + "/" + at.UTC().Format(time.RFC3339Nano),
				ProviderKvK: string(t.ProviderKvK), TrancheID: t.TrancheID, Status: string(t.Status), AmountCents: int64(t.AmountCents),
				RunID: optional.Value(t.RunID), Holds: holds, At: at})
		}),
	}
}
