package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/requestkey"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// seatKey names a start: a contract's product on a date at a location.
func seatKey(e *domain.Enrolment) string {
	return fmt.Sprintf("%s|%s|%s|%s", e.ContractID, e.ProductID, e.StartDate, e.Location)
}

// Enrol enrols a participant in a product of a contracted provider the participant chose,
// at a start that still has a place. The terms in force at the start are pinned.
func (s *Service) Enrol(ctx context.Context, p auth.Principal, in domain.EnrolmentInput) (*domain.Enrolment, error) {
	part, err := s.GetParticipant(ctx, p, in.ParticipantID)
	if errors.Is(err, rules.ErrNotFound) {
		return nil, rules.Invalid("participantId", "no such participant in your region")
	} else if err != nil {
		return nil, err
	}
	offer, err := s.offers.LoadOffer(ctx, in.ContractID)
	if errors.Is(err, rules.ErrNotFound) || (err == nil && offer.Region != p.Region) {
		return nil, rules.Invalid("contractId", "no offer is known under this contract in your region")
	} else if err != nil {
		return nil, err
	}
	action := "enrolment.enrolled"
	if reason := strings.TrimSpace(in.LateRegistration); reason != "" {
		if !p.Has(auth.RoleCoordinator, auth.RoleAdmin) {
			return nil, rules.Forbid("only a coordinator registers a late enrolment")
		}
		action += " (late registration: " + reason + ")"
	}
	now := s.now()
	e, capacity, err := domain.PlanEnrolment(part, offer, in, now, p.Subject)
	if err != nil {
		return nil, err
	}
	e.MadeBy = requestOf(ctx, p)
	if existing, _, err := s.repo.LoadEnrolment(ctx, e.ID); err == nil {
		if e.MadeBy != "" && existing.MadeBy == e.MadeBy { // this request, repeated after its answer was lost
			return existing, nil
		}
		return nil, rules.State("participant %s is already enrolled in this start (enrolment %s, %s)", part.ID, existing.ID, existing.Status)
	} else if !errors.Is(err, rules.ErrNotFound) {
		return nil, err
	}
	seat, err := s.seats.Claim(ctx, seatKey(e), capacity, e.ID, now)
	if errors.Is(err, ErrNoSeat) {
		seat, err = s.reclaimOrphan(ctx, seatKey(e), e.ID, now)
	}
	if errors.Is(err, ErrNoSeat) {
		return nil, rules.State("the start of %s on %s at %s is full (%d places)", e.ProductName, e.StartDate, e.Location, capacity)
	} else if err != nil {
		return nil, err
	}
	e.Seat = seat
	e.Organisation = part.WorkCoach.Org
	if e.Person, err = s.personOf(part); err != nil {
		return nil, err
	}
	if e.Person != "" {
		e.PersonKey = s.pseudonyms.Fingerprint()
	}
	err = s.repo.SaveEnrolment(ctx, e, commit.Outcome{Events: []Event{event(milestone(e, domain.StatusEnrolled, civil.DateOf(now), now))},
		Actor: p.Actor(), Action: action})
	if errors.Is(err, rules.ErrConflict) {
		if existing, _, lerr := s.repo.LoadEnrolment(ctx, e.ID); lerr == nil && e.MadeBy != "" && existing.MadeBy == e.MadeBy {
			return existing, nil
		}
		return nil, rules.State("participant %s is already enrolled in this start (enrolment %s)", part.ID, e.ID)
	}
	return e, err
}

// reclaimOrphan takes a place whose enrolment was never saved: the process that claimed it
// stopped between the two writes (place, then enrolment). Such a place is free again once
// its lease has passed; the enrolment that stopped half-way, retried within the lease, gets
// its own place back (Claim). A place is never sold twice: the hand-over is conditional on
// the orphan still holding it.
func (s *Service) reclaimOrphan(ctx context.Context, start, enrolmentID string, now time.Time) (int, error) {
	holders, err := s.seats.Holders(ctx, start)
	if err != nil {
		return 0, err
	}
	for _, h := range holders {
		if now.Sub(h.ClaimedAt) < SeatLease {
			continue
		}
		if _, _, err := s.repo.LoadEnrolment(ctx, h.EnrolmentID); !errors.Is(err, rules.ErrNotFound) {
			if err != nil {
				return 0, err
			}
			continue // a real enrolment holds it
		}
		ok, err := s.seats.Reclaim(ctx, start, h.N, h.EnrolmentID, enrolmentID, now)
		if err != nil {
			return 0, err
		}
		if ok {
			return h.N, nil
		}
	}
	return 0, ErrNoSeat
}

// GetEnrolment returns an enrolment the caller may see.
func (s *Service) GetEnrolment(ctx context.Context, p auth.Principal, id string) (*domain.Enrolment, error) {
	e, _, err := s.repo.LoadEnrolment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeEnrolment(p, e) {
		return nil, rules.ErrNotFound
	}
	return e, nil
}

// ListEnrolments returns a page of the enrolments the caller may see; a provider only its
// own (its filter is forced to itself, so the page is read from the provider's index).
func (s *Service) ListEnrolments(ctx context.Context, p auth.Principal, f EnrolmentFilter, page paging.Request) (paging.Page[domain.Enrolment], error) {
	if ownOrganisationOnly(p) {
		f.Organisation = p.Org
	} else if !guidance(p) && !p.Has(auth.RoleFinance) {
		if !p.Has(auth.RoleProvider) {
			return paging.Page[domain.Enrolment]{}, nil
		}
		if f.ProviderKvK != "" && f.ProviderKvK != p.Org {
			return paging.Page[domain.Enrolment]{}, nil
		}
		f.ProviderKvK = p.Org
	}
	return s.repo.ListEnrolments(ctx, p.Region, f, page)
}

// EnrolmentAudit returns a page of who did what and when to an enrolment, oldest first.
func (s *Service) EnrolmentAudit(ctx context.Context, p auth.Principal, id string, page paging.Request) (paging.Page[AuditRecord], error) {
	if _, err := s.GetEnrolment(ctx, p, id); err != nil {
		return paging.Page[AuditRecord]{}, err
	}
	return s.repo.Audit(ctx, []Subject{{Kind: "enrolment", ID: id}}, page)
}

// DayInput names the day of a lifecycle step.
type DayInput struct {
	On civil.Date
}

// DropoutInput gives the reason and day of a dropout.
type DropoutInput struct {
	Reason string
	On     civil.Date
}

// JobEndInput is the last day of a job.
type JobEndInput struct {
	EndDate civil.Date
}

// StartEnrolment: the provider (or guidance) records the start.
func (s *Service) StartEnrolment(ctx context.Context, p auth.Principal, id string, in DayInput) (*domain.Enrolment, error) {
	return s.changeEnrolment(ctx, p, id, true, "enrolment.started", func(e *domain.Enrolment, now time.Time) ([]Event, error) {
		inForce, err := s.termsOf(ctx, e)
		if err != nil {
			return nil, err
		}
		if err := e.Start(in.On, inForce, now, p.Subject); err != nil {
			return nil, err
		}
		return []Event{event(milestone(e, domain.StatusStarted, in.On, now))}, nil
	})
}

// termsOf gives the terms versions of the enrolment's product from the newest offer
// replica (nil when the offer or product is no longer there: the terms seen at enrolment).
func (s *Service) termsOf(ctx context.Context, e *domain.Enrolment) (func(civil.Date) (trajectory.Terms, bool), error) {
	o, err := s.offers.LoadOffer(ctx, e.ContractID)
	if errors.Is(err, rules.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	for _, p := range o.Products {
		if p.ProductID == e.ProductID {
			return p.TermsAt, nil
		}
	}
	return nil, nil
}

// CompleteEnrolment: the provider (or guidance) records that the learning goals were met;
// the attended hours must reach the product's minimum.
func (s *Service) CompleteEnrolment(ctx context.Context, p auth.Principal, id string, in DayInput) (*domain.Enrolment, error) {
	minutes, err := s.attendance.Minutes(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.changeEnrolment(ctx, p, id, true, "enrolment.completed", func(e *domain.Enrolment, now time.Time) ([]Event, error) {
		if err := e.Complete(in.On, minutes, now, p.Subject); err != nil {
			return nil, err
		}
		d := milestone(e, domain.StatusCompleted, in.On, now)
		hours := float64(minutes) / 60
		d.AttendedHours = &hours
		return []Event{event(d)}, nil
	})
}

// PlaceEnrolment: a work coach records a job.
func (s *Service) PlaceEnrolment(ctx context.Context, p auth.Principal, id string, in domain.PlacementInput) (*domain.Enrolment, error) {
	if !guidance(p) {
		return nil, rules.Forbid("a work coach or coordinator records placements")
	}
	return s.changeEnrolment(ctx, p, id, false, "placement.recorded", func(e *domain.Enrolment, now time.Time) ([]Event, error) {
		out, err := e.Place(in, "workcoach", now, p.Subject)
		if err != nil {
			return nil, err
		}
		return placementEvents(e, out, now), nil
	})
}

func placementEvents(e *domain.Enrolment, out domain.PlaceOutcome, now time.Time) []Event {
	var events []Event
	if out.BecamePlaced {
		d := milestone(e, domain.StatusPlaced, e.PlacedOn, now)
		if out.Placement != nil {
			job := jobEvent(*out.Placement)
			d.Placement = &job
		}
		events = append(events, event(d))
	}
	if out.BecameDurable {
		events = append(events, sustainableEvent(e, now))
	}
	if out.WithdrewDurable {
		d := milestone(e, domain.StatusSustainablyPlaced, civil.DateOf(now), now)
		d.Placements = jobsEvent(e.Placements)
		d.Reason = optional.Of("the jobs as corrected do not reach six months of work")
		events = append(events, Event{Type: catalog.TypeEnrolmentSustainableWithdrawn, Key: e.ID, Subject: e.ID, Data: d})
	}
	return events
}

func sustainableEvent(e *domain.Enrolment, now time.Time) Event {
	d := milestone(e, domain.StatusSustainablyPlaced, e.SustainableOn, now)
	d.Placements = jobsEvent(e.Placements)
	return event(d)
}

// EndJob records a job's last day.
func (s *Service) EndJob(ctx context.Context, p auth.Principal, id, placementID string, in JobEndInput) (*domain.Enrolment, error) {
	if !guidance(p) {
		return nil, rules.Forbid("a work coach or coordinator records placements")
	}
	return s.changeEnrolment(ctx, p, id, false, "placement.ended", func(e *domain.Enrolment, now time.Time) ([]Event, error) {
		out, err := e.EndJob(placementID, in.EndDate, now, p.Subject)
		if err != nil {
			return nil, err
		}
		return placementEvents(e, out, now), nil
	})
}

// DropOut ends an open trajectory with a reason. A place not yet started is freed for
// someone else.
func (s *Service) DropOut(ctx context.Context, p auth.Principal, id string, in DropoutInput) (*domain.Enrolment, error) {
	var neverStarted bool
	e, err := s.changeEnrolment(ctx, p, id, true, "enrolment.dropped-out", func(e *domain.Enrolment, now time.Time) ([]Event, error) {
		neverStarted = e.Status == domain.StatusEnrolled
		if err := e.DropOut(in.Reason, in.On, now, p.Subject); err != nil {
			return nil, err
		}
		d := milestone(e, domain.StatusDroppedOut, in.On, now)
		d.Reason = optional.Of(e.DropoutReason)
		return []Event{event(d)}, nil
	})
	if err == nil && neverStarted {
		err = s.seats.Release(ctx, seatKey(e), e.ID)
	}
	return e, err
}

// changeEnrolment loads, authorises, changes and saves an enrolment with its events.
// providerMay: the enrolment's provider may take this step too.
func (s *Service) changeEnrolment(ctx context.Context, p auth.Principal, id string, providerMay bool, action string,
	change func(*domain.Enrolment, time.Time) ([]Event, error)) (*domain.Enrolment, error) {
	var out *domain.Enrolment
	request := requestOf(ctx, p)
	err := optimistic.Retry(ctx, func() error {
		e, v, err := s.repo.LoadEnrolment(ctx, id)
		if err != nil {
			return err
		}
		if !canSeeEnrolment(p, e) {
			return rules.ErrNotFound
		}
		if mayChange := guidance(p) || (providerMay && providerOf(p, e)); !mayChange {
			return rules.Forbid("you may not change this enrolment")
		}
		if e.AppliedBy(request) { // this request, repeated after its answer was lost
			out = e
			return nil
		}
		events, err := change(e, s.now())
		if err != nil {
			return err
		}
		e.Remember(request)
		out = e
		return s.repo.SaveEnrolment(ctx, e, commit.Outcome{Version: v, Events: events, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// AttendanceSummary is an enrolment's attendance against its minimum.
type AttendanceSummary struct {
	EnrolmentID        string
	TotalHours         float64
	MinAttendanceHours int
	Days               []DayHours
}

// Attendance returns the hours counted for an enrolment.
func (s *Service) Attendance(ctx context.Context, p auth.Principal, id string) (*AttendanceSummary, error) {
	e, err := s.GetEnrolment(ctx, p, id)
	if err != nil {
		return nil, err
	}
	days, err := s.attendance.Days(ctx, id)
	if err != nil {
		return nil, err
	}
	sum := &AttendanceSummary{EnrolmentID: id, MinAttendanceHours: e.Terms.MinAttendanceHours, Days: days}
	for _, d := range days {
		sum.TotalHours += d.Hours
	}
	return sum, nil
}

// ReportAttendance lets a provider without a learning system report hours over HTTP; the
// same rules and the same once-only counting apply as on the partner topic.
func (s *Service) ReportAttendance(ctx context.Context, p auth.Principal, id string, r domain.AttendanceReport) (*AttendanceSummary, error) {
	e, err := s.GetEnrolment(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !providerOf(p, e) {
		return nil, rules.Forbid("only the enrolment's provider reports attendance")
	}
	r.EnrolmentID = id
	if err := e.CheckAttendance(r, s.now()); err != nil {
		return nil, err
	}
	r.Source = "http:" + p.Subject
	full, err := s.attendance.Record(ctx, []domain.AttendanceReport{r})
	if err != nil {
		return nil, err
	}
	if have, ok := full[0]; ok {
		return nil, domain.DayFull(r, have)
	}
	return s.Attendance(ctx, p, id)
}

// personOf is the participant's pseudonym shared by every region, "" without the key.
func (s *Service) personOf(part *domain.Participant) (string, error) {
	if s.pseudonyms == nil || part.BSN.Ciphertext == "" {
		return "", nil
	}
	bsn, err := s.vault.Open(part.ID, part.BSN)
	if err != nil {
		return "", err
	}
	return s.pseudonyms.Person(bsn), nil
}

// requestOf names a keyed request by its caller and Idempotency-Key (hashed: neither is
// kept); "" when the request has no key.
func requestOf(ctx context.Context, p auth.Principal) string {
	key, ok := requestkey.From(ctx)
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(p.Region + "\x00" + p.Subject + "\x00" + key))
	return "req-" + hex.EncodeToString(sum[:10])
}
