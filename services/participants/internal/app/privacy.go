package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Export is everything the platform holds on a participant, in one document: the answer
// to a request for access (AVG art. 15) and to data portability (art. 20).
type Export struct {
	ExportedAt  time.Time
	Participant *domain.Participant
	BSN         string
	Enrolments  []domain.Enrolment
	Attendance  map[string][]DayHours
	Audit       []AuditRecord
}

// ExportParticipant gives a coordinator the whole record of a participant, for a stated
// reason. Like a reveal, the export is in the audit trail before anything is returned.
func (s *Service) ExportParticipant(ctx context.Context, p auth.Principal, id, reason string) (*Export, error) {
	if err := s.auditedAccess(ctx, p, id, "participant.exported", reason); err != nil {
		return nil, err
	}
	part, _, err := s.repo.LoadParticipant(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Export{ExportedAt: s.now().UTC(), Participant: part, Enrolments: []domain.Enrolment{}, Attendance: map[string][]DayHours{}, Audit: []AuditRecord{}}
	if part.Erased == nil {
		if out.BSN, err = s.vault.Open(id, part.BSN); err != nil {
			return nil, fmt.Errorf("open sealed BSN: %w", err)
		}
	}
	subjects := []Subject{{Kind: "participant", ID: id}}
	err = s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{ParticipantID: id}, func(e *domain.Enrolment) error {
		out.Enrolments = append(out.Enrolments, *e)
		subjects = append(subjects, Subject{Kind: "enrolment", ID: e.ID})
		days, err := s.attendance.Days(ctx, e.ID)
		out.Attendance[e.ID] = days
		return err
	})
	if err != nil {
		return nil, err
	}
	page := paging.Request{Limit: paging.MaxLimit}
	for {
		audit, err := s.repo.Audit(ctx, subjects, page)
		if err != nil {
			return nil, err
		}
		out.Audit = append(out.Audit, audit.Items...)
		if audit.Next == "" {
			return out, nil
		}
		page.After = audit.Next
	}
}

// ErasureInput says why a participant's personal data is erased.
type ErasureInput struct {
	Basis  domain.ErasureBasis
	Reason string
}

// EraseParticipant erases a participant's personal data (name, BSN, competencies) from
// its current state and its whole history, and forgets the BSN's lookup, so the person can
// no longer be found by it; the enrolments with their amounts and dates, which payments
// must keep, remain under the pseudonymous id. A coordinator does it, for a basis: consent
// withdrawn, retention ended, or the participant's request. Repeating it finishes an
// erasure a crash interrupted.
func (s *Service) EraseParticipant(ctx context.Context, p auth.Principal, id string, in ErasureInput) (*domain.Participant, error) {
	if !p.Has(auth.RoleCoordinator) {
		return nil, rules.Forbid("only a coordinator erases a participant's data")
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || len(reason) > 300 {
		return nil, rules.Invalid("reason", "state the request or decision (at most 300 characters)")
	}
	return s.erase(ctx, p.Actor(), id, in.Basis, reason, func(part *domain.Participant) bool { return canSeeParticipant(p, part) })
}

func (s *Service) erase(ctx context.Context, actor commit.Actor, id string, basis domain.ErasureBasis, reason string, may func(*domain.Participant) bool) (*domain.Participant, error) {
	var out *domain.Participant
	var lookup string
	err := optimistic.Retry(ctx, func() error {
		part, v, err := s.repo.LoadParticipant(ctx, id)
		if err != nil {
			return err
		}
		if !may(part) {
			return rules.ErrNotFound
		}
		out = part
		if part.Erased != nil {
			return nil // finish the history and the lookup below
		}
		bsn, err := s.vault.Open(id, part.BSN)
		if err != nil {
			return fmt.Errorf("open sealed BSN: %w", err)
		}
		lookup = s.vault.Lookup(bsn)
		if err := part.Erase(basis, s.now()); err != nil {
			return err
		}
		return s.repo.SaveParticipant(ctx, part, commit.Outcome{Version: v, Actor: actor, Action: "participant.erased: " + string(basis) + ": " + reason})
	})
	if err != nil {
		return nil, err
	}
	if lookup != "" {
		if err := s.identities.Forget(ctx, lookup, id); err != nil {
			return nil, err
		}
	}
	if _, err := s.repo.EraseParticipantHistory(ctx, id); err != nil {
		return nil, err
	}
	return out, nil
}

// auditedAccess records a coordinator's access to a participant's personal data, with its
// reason, before the data is shown: no audit entry, no data.
func (s *Service) auditedAccess(ctx context.Context, p auth.Principal, id, action, reason string) error {
	if !p.Has(auth.RoleCoordinator) {
		return rules.Forbid("only a coordinator may see a participant's full record")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 300 {
		return rules.Invalid("reason", "state why the data is needed (at most 300 characters)")
	}
	return optimistic.Retry(ctx, func() error {
		part, v, err := s.repo.LoadParticipant(ctx, id)
		if err != nil {
			return err
		}
		if !canSeeParticipant(p, part) {
			return rules.ErrNotFound
		}
		return s.repo.SaveParticipant(ctx, part, commit.Outcome{Version: v, Actor: p.Actor(), Action: action + ": " + reason})
	})
}

// Retention says when personal data must go by itself.
type Retention struct {
	// Inactive: a participant unchanged this long, with no open enrolment nor one changed
	// within it, is erased (retention-ended).
	Inactive time.Duration
	// AfterWithdrawal: a withdrawn consent is followed by erasure this long after the day
	// it was withdrawn (time to stop running processes and correct a mistake).
	AfterWithdrawal time.Duration
}

// CheckRetention is the scheduled erasure: participants whose consent was withdrawn long
// enough ago, and those inactive past the retention period. It reads the participants with
// a withdrawn consent and personal data (few), and the longest-unchanged ones up to the
// cut-off only: its cost follows what is due, not the age of the region.
func (s *Service) CheckRetention(ctx context.Context, now time.Time, r Retention) (int, error) {
	system := commit.System("retention")
	erased := 0
	everyone := func(*domain.Participant) bool { return true }
	withdrawnBy := civil.DateOf(now.Add(-r.AfterWithdrawal))
	err := s.repo.EachParticipant(ctx, s.region, ParticipantFilter{Retained: true, Withdrawn: true}, func(p *domain.Participant) error {
		if p.Consent.WithdrawnOn.After(withdrawnBy) {
			return nil
		}
		if _, err := s.erase(ctx, system, p.ID, domain.ErasureConsentWithdrawn, "consent withdrawn on "+p.Consent.WithdrawnOn.String(), everyone); err != nil {
			return err
		}
		erased++
		return nil
	})
	if err != nil {
		return erased, err
	}
	cutoff := now.Add(-r.Inactive)
	err = s.repo.EachParticipant(ctx, s.region, ParticipantFilter{Retained: true, UpdatedBefore: cutoff}, func(p *domain.Participant) error {
		active := false
		err := s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{ParticipantID: p.ID}, func(e *domain.Enrolment) error {
			if e.Status.Open() || lastChange(e).After(cutoff) {
				active = true
			}
			return nil
		})
		if err != nil || active {
			return err
		}
		if _, err := s.erase(ctx, system, p.ID, domain.ErasureRetentionEnded, "no activity since "+p.UpdatedAt.Format(time.DateOnly), everyone); err != nil {
			return err
		}
		erased++
		return nil
	})
	return erased, err
}

// lastChange is the last moment something happened to an enrolment.
func lastChange(e *domain.Enrolment) time.Time {
	last := e.EnrolledAt
	for _, h := range e.History {
		if h.At.After(last) {
			last = h.At
		}
	}
	return last
}
