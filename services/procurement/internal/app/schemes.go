package app

import (
	"context"
	"errors"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// CreateScheme drafts a new Open House scheme for the buyer's organisation.
func (s *Service) CreateScheme(ctx context.Context, p auth.Principal, in domain.SchemeInput) (*domain.Scheme, error) {
	if !p.Has(auth.RoleBuyer, auth.RoleAdmin) || p.Org == "" {
		return nil, forbid("only a buyer organisation can create a scheme")
	}
	sch, err := domain.NewScheme(newID(ctx, "sch"), p.Region, p.Org, in)
	if err != nil {
		return nil, err
	}
	err = s.repo.SaveScheme(ctx, sch, commit.Outcome{Actor: p.Actor(), Action: "scheme.created"})
	if made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Scheme, error) { return s.GetScheme(ctx, p, sch.ID) }); ok {
		return made, nil
	}
	return sch, err
}

// GetScheme returns a scheme the caller may see: drafts only to their buyer.
func (s *Service) GetScheme(ctx context.Context, p auth.Principal, id string) (*domain.Scheme, error) {
	sch, _, err := s.repo.LoadScheme(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeScheme(p, sch) {
		return nil, ErrNotFound
	}
	return sch, nil
}

func canSeeScheme(p auth.Principal, sch *domain.Scheme) bool {
	if sch.Region != p.Region {
		return false
	}
	return sch.Status != domain.SchemeDraft || isBuyerOf(p, sch.Buyer)
}

// ListSchemes returns a page of the region's schemes visible to the caller, optionally by
// status: drafts only to their own buyer (and administrators).
func (s *Service) ListSchemes(ctx context.Context, p auth.Principal, status domain.SchemeStatus, page paging.Request) (paging.Page[domain.Scheme], error) {
	f := SchemeFilter{Status: status}
	if !p.Has(auth.RoleAdmin) {
		f.VisibleTo = p.Org
		if !p.Has(auth.RoleBuyer) {
			f.VisibleTo = "-" // nobody's drafts
		}
	}
	return s.repo.ListSchemes(ctx, p.Region, f, page)
}

// changeScheme loads, authorises and saves a buyer's change to a scheme.
func (s *Service) changeScheme(ctx context.Context, p auth.Principal, id, action string, change func(*domain.Scheme) ([]Event, error)) (*domain.Scheme, error) {
	var out *domain.Scheme
	err := retry(ctx, func() error {
		sch, v, err := s.repo.LoadScheme(ctx, id)
		if err != nil {
			return err
		}
		if sch.Region != p.Region || (sch.Status == domain.SchemeDraft && !isBuyerOf(p, sch.Buyer)) {
			return ErrNotFound
		}
		if !isBuyerOf(p, sch.Buyer) {
			return forbid("only the scheme's buyer can change it")
		}
		events, err := change(sch)
		if errors.Is(err, errUnchanged) {
			out = sch
			return nil
		}
		if err != nil {
			return err
		}
		out = sch
		return s.repo.SaveScheme(ctx, sch, commit.Outcome{Version: v, Events: events, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// errUnchanged: the change was made before (a retried request); nothing is saved.
var errUnchanged = errors.New("unchanged")

// EditScheme changes a draft.
func (s *Service) EditScheme(ctx context.Context, p auth.Principal, id string, in domain.SchemeInput) (*domain.Scheme, error) {
	return s.changeScheme(ctx, p, id, "scheme.edited", func(sch *domain.Scheme) ([]Event, error) { return nil, sch.Edit(in) })
}

// PublishScheme opens the scheme; providers may apply from then on.
func (s *Service) PublishScheme(ctx context.Context, p auth.Principal, id string) (*domain.Scheme, error) {
	return s.changeScheme(ctx, p, id, "scheme.published", func(sch *domain.Scheme) ([]Event, error) {
		if err := sch.Publish(s.now()); err != nil {
			return nil, err
		}
		return []Event{{Type: TypeSchemePublished, Key: sch.ID, Subject: sch.ID, Data: schemePublished(sch)}}, nil
	})
}

// CloseScheme stops applications; contracts stay in force.
func (s *Service) CloseScheme(ctx context.Context, p auth.Principal, id string) (*domain.Scheme, error) {
	return s.changeScheme(ctx, p, id, "scheme.closed", func(sch *domain.Scheme) ([]Event, error) {
		if err := sch.Close(s.now()); err != nil {
			return nil, err
		}
		return []Event{{Type: TypeSchemeClosed, Key: sch.ID, Subject: sch.ID,
			Data: schemeClosed(sch)}}, nil
	})
}

// AddProduct adds a product; once the scheme is public the new product is announced.
func (s *Service) AddProduct(ctx context.Context, p auth.Principal, schemeID string, in domain.ProductInput) (*domain.Product, error) {
	var added domain.Product
	_, err := s.changeScheme(ctx, p, schemeID, "product.added", func(sch *domain.Scheme) ([]Event, error) {
		id := newID(ctx, "prd")
		for _, existing := range sch.Products {
			if existing.ID == id { // added by this request before a crash cut off its answer
				added = existing
				return nil, errUnchanged
			}
		}
		prod, err := sch.AddProduct(id, in, civil.DateOf(s.now()))
		if err != nil {
			return nil, err
		}
		added = *prod
		if sch.Status == domain.SchemeDraft {
			return nil, nil // published with the scheme
		}
		return []Event{termsChanged(sch, prod, prod.Terms[0], s.now())}, nil
	})
	return &added, err
}

// ChangeTerms adds a terms version to a product (e.g. tranches 40/30/30 -> 40/40/20).
func (s *Service) ChangeTerms(ctx context.Context, p auth.Principal, schemeID, productID string, in domain.TermsInput) (*trajectory.Terms, error) {
	var terms trajectory.Terms
	_, err := s.changeScheme(ctx, p, schemeID, "terms.changed", func(sch *domain.Scheme) ([]Event, error) {
		t, err := sch.ChangeTerms(productID, in, civil.DateOf(s.now()))
		if err != nil {
			return nil, err
		}
		terms = t
		if sch.Status == domain.SchemeDraft {
			return nil, nil
		}
		prod, _ := sch.Product(productID)
		return []Event{termsChanged(sch, prod, t, s.now())}, nil
	})
	return &terms, err
}
