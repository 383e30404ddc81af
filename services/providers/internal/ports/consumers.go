package ports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
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
			var head struct {
				Region string `json:"region"`
			}
			if err := json.Unmarshal(m.Data, &head); err != nil {
				return messaging.Permanent(err)
			}
			if head.Region != region {
				return messaging.Permanent(fmt.Errorf("event for region %q on the topics of region %q", head.Region, region))
			}
			switch m.Type {
			case catalog.TypeContractAwarded:
				var ev app.ContractAwarded
				if err := json.Unmarshal(m.Data, &ev); err != nil {
					return messaging.Permanent(err)
				}
				return a.OnContractAwarded(ctx, ev)
			case catalog.TypeContractExtended:
				var ev app.ContractAwarded
				if err := json.Unmarshal(m.Data, &ev); err != nil {
					return messaging.Permanent(err)
				}
				if err := a.OnContractExtended(ctx, ev); errors.Is(err, rules.ErrNotFound) {
					return messaging.Permanent(err)
				} else if err != nil {
					return err
				}
				return nil
			case catalog.TypeProductTermsChanged:
				var ev app.TermsChanged
				if err := json.Unmarshal(m.Data, &ev); err != nil {
					return messaging.Permanent(err)
				}
				return a.OnTermsChanged(ctx, ev)
			default:
				var ev app.ContractStatusChanged
				if err := json.Unmarshal(m.Data, &ev); err != nil {
					return messaging.Permanent(err)
				}
				status := map[string]string{
					catalog.TypeContractSuspended: domain.ContractSuspended,
					catalog.TypeContractResumed:   domain.ContractActive,
					catalog.TypeContractEnded:     domain.ContractEnded,
				}[m.Type]
				err := a.OnContractStatus(ctx, ev, status)
				if err != nil && errors.Is(err, rules.ErrNotFound) {
					return messaging.Permanent(err)
				}
				return err
			}
		})),
	}
}
