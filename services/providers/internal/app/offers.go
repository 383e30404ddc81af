package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// procurementFeed is the actor of offer changes that follow procurement's events.
var procurementFeed = commit.System("procurement-feed")

// OnContractAwarded creates the contract's offer. A redelivered event finds the offer made.
func (s *Service) OnContractAwarded(ctx context.Context, ev ContractAwarded) error {
	if _, _, err := s.repo.LoadOffer(ctx, ev.ContractID); err == nil {
		return s.mergeKnownTerms(ctx, ev.ContractID, ev.SchemeID)
	} else if !errors.Is(err, rules.ErrNotFound) {
		return err
	}
	o := domain.Offer{ContractID: ev.ContractID, ContractNumber: ev.Number, SchemeID: ev.SchemeID, SchemeReference: ev.SchemeReference,
		Region: ev.Region, Buyer: ev.Buyer, ProviderKvK: ev.ProviderKvK, ProviderName: ev.ProviderName, SchemeRun: ev.SchemeRun}
	for _, p := range ev.Products {
		o.Products = append(o.Products, domain.OfferProduct{ProductID: p.ProductID, Name: p.Name, PriceCents: p.PriceCents, Terms: p.Terms})
	}
	offer := domain.NewOffer(o, s.now())
	err := s.repo.SaveOffer(ctx, offer, commit.Outcome{Events: offerChanged(offer), Actor: procurementFeed, Action: "offer.created"})
	if err != nil && !errors.Is(err, rules.ErrConflict) {
		return err
	}
	// Terms changes may have arrived on the schemes topic before this contract; the fact
	// written first by one handler is read afterwards by the other, so neither is lost.
	return s.mergeKnownTerms(ctx, ev.ContractID, ev.SchemeID)
}

// OnContractExtended adds the products a contracted provider was admitted to later; the
// provider then sets their locations and starts. A redelivered event adds nothing twice.
func (s *Service) OnContractExtended(ctx context.Context, ev ContractAwarded) error {
	err := s.changeOffer(ctx, ev.ContractID, procurementFeed, "offer.products-added", func(o *domain.Offer) (bool, error) {
		changed := false
		for _, p := range ev.Products {
			changed = o.AddProduct(domain.OfferProduct{ProductID: p.ProductID, Name: p.Name, PriceCents: p.PriceCents, Terms: p.Terms}, s.now()) || changed
		}
		return changed, nil
	})
	if errors.Is(err, rules.ErrNotFound) {
		return fmt.Errorf("contract %s is unknown: its award was not received: %w", ev.ContractID, err)
	}
	if err != nil {
		return err
	}
	return s.mergeKnownTerms(ctx, ev.ContractID, ev.SchemeID)
}

func (s *Service) mergeKnownTerms(ctx context.Context, contractID, schemeID string) error {
	known, err := s.repo.KnownTerms(ctx, schemeID)
	if err != nil || len(known) == 0 {
		return err
	}
	return s.changeOffer(ctx, contractID, procurementFeed, "offer.terms-added", func(o *domain.Offer) (bool, error) {
		changed := false
		for productID, versions := range known {
			for _, t := range versions {
				changed = o.AddTerms(productID, t, s.now()) || changed
			}
		}
		return changed, nil
	})
}

// OnContractStatus follows a suspension, resumption or end.
func (s *Service) OnContractStatus(ctx context.Context, ev ContractStatusChanged, status string) error {
	err := s.changeOffer(ctx, ev.ContractID, procurementFeed, "offer.contract-"+status, func(o *domain.Offer) (bool, error) {
		return o.SetContractStatus(status, s.now()), nil
	})
	if errors.Is(err, rules.ErrNotFound) {
		return fmt.Errorf("contract %s is unknown: its award was not received: %w", ev.ContractID, err)
	}
	return err
}

// OnTermsChanged records the terms version and adds it to the offers of the scheme.
func (s *Service) OnTermsChanged(ctx context.Context, ev TermsChanged) error {
	if err := s.repo.RecordTerms(ctx, ev.SchemeID, ev.ProductID, ev.Terms); err != nil {
		return err
	}
	return s.repo.EachOffer(ctx, ev.Region, OfferFilter{SchemeID: ev.SchemeID}, func(o *domain.Offer) error {
		return s.changeOffer(ctx, o.ContractID, procurementFeed, "offer.terms-added", func(o *domain.Offer) (bool, error) {
			return o.AddTerms(ev.ProductID, ev.Terms, s.now()), nil
		})
	})
}

// SetProductOffer lets the contracted provider set a product's locations, starts and capacity.
func (s *Service) SetProductOffer(ctx context.Context, p auth.Principal, contractID, productID string, in domain.ProductOfferInput) (*domain.Offer, error) {
	var out *domain.Offer
	err := s.changeOffer(ctx, contractID, p.Actor(), "offer.product-set", func(o *domain.Offer) (bool, error) {
		if o.Region != p.Region || !canSee(p, o.ProviderKvK) {
			return false, rules.ErrNotFound
		}
		if !canEditProvider(p, o.ProviderKvK) {
			return false, rules.Forbid("only the contracted provider edits its offer")
		}
		out = o
		return true, o.SetProductOffer(productID, in, s.now())
	})
	return out, err
}

// changeOffer loads, changes and saves an offer with an offer.changed event.
func (s *Service) changeOffer(ctx context.Context, contractID string, actor commit.Actor, action string, change func(*domain.Offer) (bool, error)) error {
	return optimistic.Retry(ctx, func() error {
		o, v, err := s.repo.LoadOffer(ctx, contractID)
		if err != nil {
			return err
		}
		changed, err := change(o)
		if err != nil || !changed {
			return err
		}
		return s.repo.SaveOffer(ctx, o, commit.Outcome{Version: v, Events: offerChanged(o), Actor: actor, Action: action})
	})
}

// offerChanged carries the whole offer: participants keep the newest revision.
func offerChanged(o *domain.Offer) []commit.Event {
	return []commit.Event{{Type: TypeOfferChanged, Key: o.ContractID, Subject: o.ContractID, Data: offerEvent(o)}}
}

// GetOffer returns an offer the caller may see.
func (s *Service) GetOffer(ctx context.Context, p auth.Principal, contractID string) (*domain.Offer, error) {
	o, _, err := s.repo.LoadOffer(ctx, contractID)
	if err != nil {
		return nil, err
	}
	if o.Region != p.Region || !canSee(p, o.ProviderKvK) {
		return nil, rules.ErrNotFound
	}
	return o, nil
}

// ListOffers returns a page of the offers the caller may see: work coaches choose among
// all contracted providers; a provider sees only its own.
func (s *Service) ListOffers(ctx context.Context, p auth.Principal, f OfferFilter, page paging.Request) (paging.Page[domain.Offer], error) {
	if providerOnly(p) {
		if f.ProviderKvK != "" && f.ProviderKvK != p.Org {
			return paging.Page[domain.Offer]{}, nil
		}
		f.ProviderKvK = p.Org
	}
	return s.repo.ListOffers(ctx, p.Region, f, page)
}
