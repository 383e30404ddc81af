package app

import (
	"context"
	"slices"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// AnnounceTender puts a tender on the region's calendar.
func (s *Service) AnnounceTender(ctx context.Context, p auth.Principal, in domain.TenderInput) (*domain.Tender, error) {
	if !p.Has(auth.RoleBuyer, auth.RoleAdmin) || p.Org == "" {
		return nil, forbid("only a buyer organisation can announce a tender")
	}
	t, err := domain.NewTender(newID(ctx, "tnd"), p.Region, p.Org, in, s.now())
	if err != nil {
		return nil, err
	}
	err = s.repo.SaveTender(ctx, t, commit.Outcome{Events: []Event{{Type: TypeTenderAnnounced, Key: t.ID, Subject: t.ID, Data: tenderEvent(t)}},
		Actor: p.Actor(), Action: "tender.announced"})
	if made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Tender, error) { return s.GetTender(ctx, p, t.ID) }); ok {
		return made, nil
	}
	return t, err
}

// GetTender returns a tender of the caller's region (the calendar is public information).
func (s *Service) GetTender(ctx context.Context, p auth.Principal, id string) (*domain.Tender, error) {
	t, _, err := s.repo.LoadTender(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Region != p.Region {
		return nil, ErrNotFound
	}
	return t, nil
}

// ListTenders returns a page of the region's tenders, optionally by status.
func (s *Service) ListTenders(ctx context.Context, region string, status domain.TenderStatus, page paging.Request) (paging.Page[domain.Tender], error) {
	return s.repo.ListTenders(ctx, region, status, page)
}

// Calendar returns the announced tenders expected from today on, soonest first. It reads
// the announced tenders only (those awarded or cancelled drop out of it), so it is as long
// as the calendar itself, which a calendar feed has to be.
func (s *Service) Calendar(ctx context.Context, region string) ([]domain.Tender, error) {
	today := civil.DateOf(s.now())
	out := []domain.Tender{}
	err := s.repo.EachTender(ctx, region, domain.TenderAnnounced, func(t *domain.Tender) error {
		if !t.ExpectedPublication.Before(today) {
			out = append(out, *t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b domain.Tender) int {
		return a.ExpectedPublication.Time().Compare(b.ExpectedPublication.Time())
	})
	return out, nil
}

func (s *Service) changeTender(ctx context.Context, p auth.Principal, id, action string, change func(*domain.Tender) (Event, error)) (*domain.Tender, error) {
	var out *domain.Tender
	err := retry(ctx, func() error {
		t, v, err := s.repo.LoadTender(ctx, id)
		if err != nil {
			return err
		}
		if t.Region != p.Region {
			return ErrNotFound
		}
		if !isBuyerOf(p, t.Buyer) {
			return forbid("only the tender's buyer can change it")
		}
		ev, err := change(t)
		if err != nil {
			return err
		}
		out = t
		return s.repo.SaveTender(ctx, t, commit.Outcome{Version: v, Events: []Event{ev}, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// UpdateTender changes an announced tender; the calendar and the event show the new state.
func (s *Service) UpdateTender(ctx context.Context, p auth.Principal, id string, in domain.TenderInput) (*domain.Tender, error) {
	return s.changeTender(ctx, p, id, "tender.updated", func(t *domain.Tender) (Event, error) {
		if err := t.Update(in, s.now()); err != nil {
			return Event{}, err
		}
		return Event{Type: TypeTenderAnnounced, Key: t.ID, Subject: t.ID, Data: tenderEvent(t)}, nil
	})
}

// AwardTender records the award, which creates the social-return obligation.
func (s *Service) AwardTender(ctx context.Context, p auth.Principal, id string, in domain.AwardInput) (*domain.Tender, error) {
	return s.changeTender(ctx, p, id, "tender.awarded", func(t *domain.Tender) (Event, error) {
		if err := t.RecordAward(in, s.now()); err != nil {
			return Event{}, err
		}
		return Event{Type: TypeTenderAwarded, Key: t.ID, Subject: t.ID, Data: tenderAwarded(t)}, nil
	})
}

// CancelTender takes a tender off the calendar.
func (s *Service) CancelTender(ctx context.Context, p auth.Principal, id string) (*domain.Tender, error) {
	return s.changeTender(ctx, p, id, "tender.cancelled", func(t *domain.Tender) (Event, error) {
		if err := t.Cancel(s.now()); err != nil {
			return Event{}, err
		}
		return Event{Type: TypeTenderCancelled, Key: t.ID, Subject: t.ID, Data: tenderEvent(t)}, nil
	})
}
