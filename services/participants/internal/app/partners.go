package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/werkregio/platform/services/kit/optional"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Rejected is partner input the platform cannot accept; it goes to the dead-letter topic
// with this reason and the flow goes on.
type Rejected = rules.Rejected

var reject = rules.Reject

// rejectRuleErrors turns the domain's refusals into rejections; other errors (storage)
// stay transient and are retried.
func rejectRuleErrors(err error) error {
	var ve *rules.ValidationError
	var se *rules.StateError
	if errors.As(err, &ve) || errors.As(err, &se) || errors.Is(err, rules.ErrNotFound) {
		return &Rejected{Reason: err}
	}
	return err
}

// RecordAttendance checks a batch of partner reports, each with the CloudEvents source it
// came from, and stores those that may count; it returns per index the reports it
// rejected. Only the registered system of the enrolment's provider may report its hours.
// Reports already stored count once however often they are redelivered or replayed.
func (s *Service) RecordAttendance(ctx context.Context, reports []domain.AttendanceReport, origins []Origin) (map[int]error, error) {
	rejected := map[int]error{}
	var ids []string
	for _, r := range reports {
		ids = append(ids, r.EnrolmentID)
	}
	enrolments, err := s.repo.LoadEnrolments(ctx, ids)
	if err != nil {
		return nil, err
	}
	senders := map[string]*domain.PartnerSource{}
	for _, o := range origins {
		if _, ok := senders[o.Source]; ok {
			continue
		}
		ps, err := s.partnerSource(ctx, o.Source)
		if err != nil {
			return nil, err
		}
		senders[o.Source] = ps
	}
	var accepted []domain.AttendanceReport
	var index []int // of each accepted report in reports
	now := s.now()
	for i, r := range reports {
		e, ok := enrolments[r.EnrolmentID]
		if !ok {
			rejected[i] = reject("enrolment %s is unknown", r.EnrolmentID)
			continue
		}
		if e.Region != s.region {
			rejected[i] = reject("enrolment %s belongs to another region", r.EnrolmentID)
			continue
		}
		sender := senders[origins[i].Source]
		if sender == nil {
			rejected[i] = unregistered(origins[i].Source)
			continue
		}
		if err := origins[i].Proven(sender.Keys); err != nil {
			rejected[i] = &Rejected{Reason: err}
			continue
		}
		if err := sender.MayReportAttendance(e.ProviderKvK); err != nil {
			rejected[i] = &Rejected{Reason: err}
			continue
		}
		r.Source = "partner:" + origins[i].Source
		if err := e.CheckAttendance(r, now); err != nil {
			rejected[i] = &Rejected{Reason: err}
			continue
		}
		accepted = append(accepted, r)
		index = append(index, i)
	}
	if len(accepted) > 0 {
		full, err := s.attendance.Record(ctx, accepted)
		if err != nil {
			return nil, err
		}
		for i, have := range full {
			rejected[index[i]] = &Rejected{Reason: domain.DayFull(accepted[i], have)}
		}
	}
	return rejected, nil
}

// partnerSource is the registration of a CloudEvents source, or nil.
func (s *Service) partnerSource(ctx context.Context, source string) (*domain.PartnerSource, error) {
	ps, _, err := s.repo.LoadPartnerSource(ctx, domain.PartnerSourceID(source))
	if errors.Is(err, rules.ErrNotFound) || (err == nil && ps.Region != s.region) {
		return nil, nil
	}
	return ps, err
}

func unregistered(source string) error {
	return reject("the sender (ce_source %q) is not a registered partner system of this region", source)
}

// RegisterPartnerSource trusts a partner system's messages for an organisation
// (administrators, when they give the system access to Kafka). A revoked source may be
// registered anew.
func (s *Service) RegisterPartnerSource(ctx context.Context, p auth.Principal, in domain.PartnerSourceInput) (*domain.PartnerSource, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, rules.Forbid("only an administrator registers partner systems")
	}
	ps, err := domain.NewPartnerSource(s.region, in, s.now())
	if err != nil {
		return nil, err
	}
	if _, err := messaging.ParsePublicKeys(in.Keys); err != nil {
		return nil, rules.Invalid("keys", "is not a usable JWK Set: %s", err.Error())
	}
	existing, v, err := s.repo.LoadPartnerSource(ctx, ps.ID)
	switch {
	case err == nil && existing.RevokedAt == nil:
		return nil, rules.State("source %s is registered already (as %s %s); revoke it first", in.Source, existing.Role, existing.Org)
	case err != nil && !errors.Is(err, rules.ErrNotFound):
		return nil, err
	}
	if err := s.repo.SavePartnerSource(ctx, ps, commit.Outcome{Version: v, Actor: p.Actor(), Action: "partner-source.registered"}); err != nil {
		if errors.Is(err, rules.ErrConflict) {
			return nil, rules.State("source %s was registered at the same moment", in.Source)
		}
		return nil, err
	}
	return ps, nil
}

// ListPartnerSources pages the region's partner systems (administrators, coordinators).
func (s *Service) ListPartnerSources(ctx context.Context, p auth.Principal, page paging.Request) (paging.Page[domain.PartnerSource], error) {
	if !p.Has(auth.RoleAdmin, auth.RoleCoordinator) {
		return paging.Page[domain.PartnerSource]{}, nil
	}
	return s.repo.ListPartnerSources(ctx, s.region, page)
}

// GetPartnerSource returns one registration.
func (s *Service) GetPartnerSource(ctx context.Context, p auth.Principal, id string) (*domain.PartnerSource, error) {
	if !p.Has(auth.RoleAdmin, auth.RoleCoordinator) {
		return nil, rules.ErrNotFound
	}
	ps, _, err := s.repo.LoadPartnerSource(ctx, id)
	if err == nil && ps.Region != s.region {
		return nil, rules.ErrNotFound
	}
	return ps, err
}

// RevokePartnerSource stops trusting a partner system; what it sent before stays.
func (s *Service) RevokePartnerSource(ctx context.Context, p auth.Principal, id string) (*domain.PartnerSource, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, rules.Forbid("only an administrator revokes partner systems")
	}
	return s.changePartnerSource(ctx, p, id, "partner-source.revoked", func(ps *domain.PartnerSource) error { return ps.Revoke(s.now()) })
}

// ReplacePartnerKeys rotates a partner system's signing keys (administrator).
func (s *Service) ReplacePartnerKeys(ctx context.Context, p auth.Principal, id string, keys json.RawMessage) (*domain.PartnerSource, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, rules.Forbid("only an administrator registers partner systems' keys")
	}
	if _, err := messaging.ParsePublicKeys(keys); err != nil {
		return nil, rules.Invalid("keys", "is not a usable JWK Set: %s", err.Error())
	}
	return s.changePartnerSource(ctx, p, id, "partner-source.keys-replaced", func(ps *domain.PartnerSource) error { return ps.ReplaceKeys(keys, s.now()) })
}

// changePartnerSource loads a registration of this region, changes it and saves it with
// the action on its audit trail.
func (s *Service) changePartnerSource(ctx context.Context, p auth.Principal, id, action string, change func(*domain.PartnerSource) error) (*domain.PartnerSource, error) {
	var out *domain.PartnerSource
	err := optimistic.Retry(ctx, func() error {
		ps, v, err := s.repo.LoadPartnerSource(ctx, id)
		if err != nil {
			return err
		}
		if ps.Region != s.region {
			return rules.ErrNotFound
		}
		if err := change(ps); err != nil {
			return err
		}
		out = ps
		return s.repo.SavePartnerSource(ctx, ps, commit.Outcome{Version: v, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// Origin is where a partner message says it comes from, and the check of its signature
// against the keys registered for that sender.
type Origin struct {
	Source string
	Proven func(keys []byte) error
}

// provenSender is the registration of the message's sender once its signature is proven
// with the sender's registered keys: a registered sender's source named by anyone else
// proves nothing.
func (s *Service) provenSender(ctx context.Context, o Origin) (*domain.PartnerSource, error) {
	sender, err := s.partnerSource(ctx, o.Source)
	if err != nil {
		return nil, err
	}
	if sender == nil {
		return nil, unregistered(o.Source)
	}
	if err := o.Proven(sender.Keys); err != nil {
		return nil, &Rejected{Reason: err}
	}
	return sender, nil
}

// PlacementConfirmation is an employer's or UWV's report of a job on the partner topic.
type PlacementConfirmation struct {
	EnrolmentID string
	domain.PlacementInput
	ConfirmedBy string // employer or uwv
	ReportID    string
}

// ConfirmPlacement records a job reported by a partner system: a new job, or the
// confirmation of one a work coach recorded. A redelivered report changes nothing.
func (s *Service) ConfirmPlacement(ctx context.Context, c PlacementConfirmation, origin Origin) error {
	actor := commit.Actor{Subject: "partner:" + c.ConfirmedBy, Name: origin.Source}
	sender, err := s.provenSender(ctx, origin)
	if err != nil {
		return err
	}
	if err := sender.MayConfirmPlacement(c.ConfirmedBy, c.EmployerKvK); err != nil {
		return &Rejected{Reason: err}
	}
	actor.Org = sender.Org
	err = optimistic.Retry(ctx, func() error {
		e, v, err := s.repo.LoadEnrolment(ctx, c.EnrolmentID)
		if errors.Is(err, rules.ErrNotFound) {
			return reject("enrolment %s is unknown", c.EnrolmentID)
		} else if err != nil {
			return err
		}
		if e.Region != s.region {
			return reject("enrolment %s belongs to another region", c.EnrolmentID)
		}
		now := s.now()
		out, err := e.Place(c.PlacementInput, c.ConfirmedBy, now, actor.Subject)
		if err != nil || !out.Changed {
			return err
		}
		return s.repo.SaveEnrolment(ctx, e, commit.Outcome{Version: v, Events: placementEvents(e, out, now), Actor: actor, Action: "placement.confirmed"})
	})
	return rejectRuleErrors(err)
}

// KeepOffer stores a newer offer revision from the providers service. Enrolments that have
// not started follow a change of their product's terms or price (domain.Enrolment.Expect):
// each is saved with a terms-changed event that payments corrects its commitments by. A
// redelivered revision follows them again (a crash may have cut the first time short); each
// enrolment changes once.
func (s *Service) KeepOffer(ctx context.Context, o domain.Offer) error {
	prev, err := s.offers.LoadOffer(ctx, o.ContractID)
	if errors.Is(err, rules.ErrNotFound) {
		prev = nil // no enrolment is made without its offer
	} else if err != nil {
		return err
	}
	kept, err := s.offers.SaveOffer(ctx, o)
	if err != nil || prev == nil || !kept && prev.Revision != o.Revision {
		return err // an older revision changes nothing
	}
	for _, p := range o.Products {
		if kept && !termsChanged(prev, p) {
			continue
		}
		if err := s.followTerms(ctx, o, p); err != nil {
			return err
		}
	}
	return nil
}

// termsChanged: the product's terms versions or price differ from the previous offer's.
func termsChanged(prev *domain.Offer, p domain.OfferProduct) bool {
	for _, q := range prev.Products {
		if q.ProductID == p.ProductID {
			return q.PriceCents != p.PriceCents || !slices.EqualFunc(q.Terms, p.Terms, func(a, b trajectory.Terms) bool {
				return a.Version == b.Version && a.EffectiveFrom == b.EffectiveFrom
			})
		}
	}
	return false // a product new to the offer has no enrolments yet
}

// followTerms brings the product's enrolments that have not started to the terms and price
// in force on their start day.
func (s *Service) followTerms(ctx context.Context, o domain.Offer, p domain.OfferProduct) error {
	var ids []string
	if err := s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{ProductID: p.ProductID, Status: domain.StatusEnrolled}, func(e *domain.Enrolment) error {
		if e.ContractID == o.ContractID {
			ids = append(ids, e.ID)
		}
		return nil
	}); err != nil {
		return err
	}
	actor := commit.System(catalog.TopicProvidersOffers)
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			e, v, err := s.repo.LoadEnrolment(ctx, id)
			if err != nil {
				return err
			}
			t, ok := p.TermsAt(e.StartDate)
			if !ok {
				return nil // no version in force on its start: the start refuses it, as it would have
			}
			changed := e.Expect(t, p.PriceCents)
			if changed == "" {
				return nil
			}
			now := s.now()
			d := milestone(e, domain.StatusEnrolled, civil.DateOf(now), now)
			d.Reason = optional.Of(changed)
			return s.repo.SaveEnrolment(ctx, e, commit.Outcome{Version: v, Actor: actor, Action: "enrolment.terms-changed",
				Events: []Event{{Type: catalog.TypeEnrolmentTermsChanged, Key: e.ID, Subject: e.ID, Data: d}}})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// CheckSustainable is the scheduled check: every placed enrolment whose jobs reached six
// months of work by now becomes sustainably placed, with its event. Idempotent.
func (s *Service) CheckSustainable(ctx context.Context, now time.Time) (int, error) {
	today := civil.DateOf(now)
	done := 0
	err := s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{Status: domain.StatusPlaced}, func(listed *domain.Enrolment) error {
		if on, ok := domain.SustainableOn(listed.Placements); !ok || on.After(today) {
			return nil
		}
		return optimistic.Retry(ctx, func() error {
			e, v, err := s.repo.LoadEnrolment(ctx, listed.ID)
			if err != nil {
				return err
			}
			if !e.CheckSustainable(now, "system:sustainability-check") {
				return nil
			}
			done++
			return s.repo.SaveEnrolment(ctx, e, commit.Outcome{Version: v, Events: []Event{sustainableEvent(e, now)},
				Actor: commit.System("sustainability-check"), Action: "enrolment.sustainably-placed"})
		})
	})
	return done, err
}
