package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Rejected is partner input the platform cannot accept; it goes to the dead-letter topic
// with this reason and the flow goes on.
type Rejected struct{ Reason error }

func (r *Rejected) Error() string { return r.Reason.Error() }
func (r *Rejected) Unwrap() error { return r.Reason }

func reject(format string, args ...any) error { return &Rejected{Reason: fmt.Errorf(format, args...)} }

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

// RecordAttendance checks a batch of partner reports and stores those that may count; it
// returns per index the reports it rejected. Reports already stored count once however
// often they are redelivered or replayed.
func (s *Service) RecordAttendance(ctx context.Context, reports []domain.AttendanceReport, source string) (map[int]error, error) {
	rejected := map[int]error{}
	var ids []string
	for _, r := range reports {
		ids = append(ids, r.EnrolmentID)
	}
	enrolments, err := s.repo.LoadEnrolments(ctx, ids)
	if err != nil {
		return nil, err
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
		if err := e.CheckAttendance(r, now); err != nil {
			rejected[i] = &Rejected{Reason: err}
			continue
		}
		accepted = append(accepted, r)
		index = append(index, i)
	}
	if len(accepted) > 0 {
		full, err := s.attendance.Record(ctx, accepted, source)
		if err != nil {
			return nil, err
		}
		for i, have := range full {
			rejected[index[i]] = &Rejected{Reason: domain.DayFull(accepted[i], have)}
		}
	}
	return rejected, nil
}

// PlacementConfirmation is an employer's or UWV's report of a job on the partner topic.
type PlacementConfirmation struct {
	EnrolmentID string `json:"enrolmentId"`
	domain.PlacementInput
	ConfirmedBy string `json:"confirmedBy"` // employer or uwv
	ReportID    string `json:"reportId"`
}

// ConfirmPlacement records a job reported by a partner system: a new job, or the
// confirmation of one a work coach recorded. A redelivered report changes nothing.
func (s *Service) ConfirmPlacement(ctx context.Context, c PlacementConfirmation, source string) error {
	actor := rules.Actor{Subject: "partner:" + c.ConfirmedBy, Name: source}
	err := rules.Retry(ctx, func() error {
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
		return s.repo.SaveEnrolment(ctx, e, rules.Outcome{Version: v, Events: placementEvents(e, out, now), Actor: actor, Action: "placement.confirmed"})
	})
	return rejectRuleErrors(err)
}

// KeepOffer stores a newer offer revision from the providers service.
func (s *Service) KeepOffer(ctx context.Context, o domain.Offer) error {
	if o.Region != s.region {
		return reject("offer of region %s on the topics of region %s", o.Region, s.region)
	}
	_, err := s.offers.SaveOffer(ctx, o)
	return err
}

// CheckSustainable is the scheduled check: every placed enrolment whose jobs reached six
// months of work by now becomes sustainably placed, with its event. Idempotent.
func (s *Service) CheckSustainable(ctx context.Context, now time.Time) (int, error) {
	today := domain.DateOf(now)
	done := 0
	err := s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{Status: domain.StatusPlaced}, func(listed *domain.Enrolment) error {
		if on, ok := domain.SustainableOn(listed.Placements); !ok || on.After(today) {
			return nil
		}
		return rules.Retry(ctx, func() error {
			e, v, err := s.repo.LoadEnrolment(ctx, listed.ID)
			if err != nil {
				return err
			}
			if !e.CheckSustainable(now, "system:sustainability-check") {
				return nil
			}
			done++
			return s.repo.SaveEnrolment(ctx, e, rules.Outcome{Version: v, Events: []Event{sustainableEvent(e, now)},
				Actor: rules.System("sustainability-check"), Action: "enrolment.sustainably-placed"})
		})
	})
	return done, err
}
