package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// alreadyRegistered: a participant with this BSN exists in the region (409). The work
// coach gets its id to continue with, never the BSN.
func alreadyRegistered(id string) error {
	return rules.State("a participant with this BSN is already registered in this region: %s", id)
}

// RegisterParticipant registers a job seeker. The BSN is sealed before it is stored and
// the lookup hash makes the same person registrable once per region, even when two work
// coaches register them at the same moment.
func (s *Service) RegisterParticipant(ctx context.Context, p auth.Principal, in domain.ParticipantInput) (*domain.Participant, error) {
	now := s.now()
	if err := in.ValidateRegistration(civil.DateOf(now)); err != nil {
		return nil, err
	}
	bsn, _ := domain.NormalizeBSN(in.BSN)
	id := requestkey.NewIDOf(ctx, "prt-", 8)
	owner, err := s.identities.Claim(ctx, s.vault.Lookup(bsn), id)
	if err != nil {
		return nil, err
	}
	if owner != id {
		if other, _, err := s.repo.LoadParticipant(ctx, owner); err == nil {
			if !canSeeParticipant(p, other) {
				// Being a participant elsewhere is personal data: no id for another organisation.
				return nil, rules.State("this person is already registered in this region by another organisation; a coordinator can hand them over")
			}
			return nil, alreadyRegistered(owner)
		} else if !errors.Is(err, rules.ErrNotFound) {
			return nil, err
		}
		id = owner // an earlier registration stopped between claim and save: finish it
	}
	sealed, err := s.vault.Seal(id, bsn)
	if err != nil {
		return nil, err
	}
	part, err := domain.NewParticipant(id, s.region, in, sealed, p.Actor(), now)
	if err != nil {
		return nil, err
	}
	err = s.repo.SaveParticipant(ctx, part, commit.Outcome{Actor: p.Actor(), Action: "participant.registered"})
	if made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Participant, error) {
		m, _, err := s.repo.LoadParticipant(ctx, id)
		return m, err
	}); ok {
		return made, nil
	}
	if errors.Is(err, rules.ErrConflict) {
		return nil, alreadyRegistered(id)
	}
	return part, err
}

// FindByBSN returns the participant registered with a BSN (sent in a request body, never a
// URL), or rules.ErrNotFound.
func (s *Service) FindByBSN(ctx context.Context, p auth.Principal, bsn string) (*domain.Participant, error) {
	n, ok := domain.NormalizeBSN(bsn)
	if !ok {
		return nil, rules.Invalid("bsn", "is not a valid BSN (9 digits passing the 11-proef)")
	}
	id, err := s.identities.Find(ctx, s.vault.Lookup(n))
	if err != nil {
		return nil, err
	}
	return s.GetParticipant(ctx, p, id)
}

// GetParticipant returns a participant of the caller's region to guidance roles.
func (s *Service) GetParticipant(ctx context.Context, p auth.Principal, id string) (*domain.Participant, error) {
	part, _, err := s.repo.LoadParticipant(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeParticipant(p, part) {
		return nil, rules.ErrNotFound
	}
	return part, nil
}

// ParticipantFilter narrows a listing.
type ParticipantFilter struct {
	// Organisation of the participant's work coach (a work coach's lists are limited to it).
	Organisation string
	Municipality string // case-insensitive
	TargetGroup  domain.TargetGroup
	WorkCoach    string
	// WithPraktijkverklaring: only those with a praktijkverklaring or a BBL programme.
	WithPraktijkverklaring bool
	// Retained: personal data not erased; Withdrawn: consent withdrawn; UpdatedBefore:
	// unchanged since (the retention check's filters).
	Retained, Withdrawn bool
	UpdatedBefore       time.Time
}

// ListParticipants returns a page of the region's participants to guidance roles.
func (s *Service) ListParticipants(ctx context.Context, p auth.Principal, f ParticipantFilter, page paging.Request) (paging.Page[domain.Participant], error) {
	if !guidance(p) {
		return paging.Page[domain.Participant]{}, nil
	}
	if ownOrganisationOnly(p) {
		f.Organisation = p.Org
	}
	return s.repo.ListParticipants(ctx, p.Region, f, page)
}

// UpdateParticipant edits a participant's details (not the BSN).
func (s *Service) UpdateParticipant(ctx context.Context, p auth.Principal, id string, in domain.ParticipantInput) (*domain.Participant, error) {
	return s.changeParticipant(ctx, p, id, "participant.updated", func(part *domain.Participant, now time.Time) error {
		return part.Update(in, now)
	})
}

// AssignWorkCoach hands a participant to another work coach.
// A handover to a coach of another organisation (gemeente to UWV, say) moves the
// participant's enrolments to that organisation too.
func (s *Service) AssignWorkCoach(ctx context.Context, p auth.Principal, id string, coach commit.Actor) (*domain.Participant, error) {
	part, err := s.changeParticipant(ctx, p, id, "participant.work-coach-assigned", func(part *domain.Participant, now time.Time) error {
		return part.AssignWorkCoach(coach, now)
	})
	if err != nil {
		return nil, err
	}
	// Repeating the assignment repairs enrolments a crash left behind.
	err = s.repo.EachEnrolment(ctx, s.region, EnrolmentFilter{ParticipantID: id}, func(listed *domain.Enrolment) error {
		if listed.Organisation == part.WorkCoach.Org {
			return nil
		}
		return optimistic.Retry(ctx, func() error {
			e, v, err := s.repo.LoadEnrolment(ctx, listed.ID)
			if err != nil {
				return err
			}
			e.Organisation = part.WorkCoach.Org
			return s.repo.SaveEnrolment(ctx, e, commit.Outcome{Version: v, Actor: p.Actor(), Action: "enrolment.handed-over"})
		})
	})
	return part, err
}

// AddPraktijkverklaring records an issued praktijkverklaring.
func (s *Service) AddPraktijkverklaring(ctx context.Context, p auth.Principal, id string, in domain.PraktijkverklaringInput) (*domain.Participant, error) {
	return s.changeParticipant(ctx, p, id, "praktijkverklaring.issued", func(part *domain.Participant, now time.Time) error {
		_, err := part.AddPraktijkverklaring(in, now)
		return err
	})
}

// StartBBL records that a participant went on to a BBL programme.
func (s *Service) StartBBL(ctx context.Context, p auth.Principal, id string, in domain.BBLProgramme) (*domain.Participant, error) {
	return s.changeParticipant(ctx, p, id, "bbl.started", func(part *domain.Participant, now time.Time) error {
		return part.StartBBL(in, now)
	})
}

func (s *Service) changeParticipant(ctx context.Context, p auth.Principal, id, action string, change func(*domain.Participant, time.Time) error) (*domain.Participant, error) {
	var out *domain.Participant
	err := optimistic.Retry(ctx, func() error {
		part, v, err := s.repo.LoadParticipant(ctx, id)
		if err != nil {
			return err
		}
		if !canSeeParticipant(p, part) {
			return rules.ErrNotFound
		}
		if err := part.ErrErased(); err != nil {
			return err
		}
		if err := change(part, s.now()); err != nil {
			return err
		}
		out = part
		return s.repo.SaveParticipant(ctx, part, commit.Outcome{Version: v, Actor: p.Actor(), Action: action})
	})
	return out, err
}

// RevealedBSN is the answer to an audited reveal.
type RevealedBSN struct {
	BSN string
}

// RevealBSN shows a coordinator the BSN, for a stated reason. The reveal is written to the
// participant's audit trail before the number is returned: no audit entry, no BSN.
func (s *Service) RevealBSN(ctx context.Context, p auth.Principal, id, reason string) (*RevealedBSN, error) {
	if !p.Has(auth.RoleCoordinator) {
		return nil, rules.Forbid("only a coordinator may reveal a BSN")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 300 {
		return nil, rules.Invalid("reason", "state why the BSN is needed (at most 300 characters)")
	}
	var sealed domain.SealedBSN
	err := optimistic.Retry(ctx, func() error {
		part, v, err := s.repo.LoadParticipant(ctx, id)
		if err != nil {
			return err
		}
		if !canSeeParticipant(p, part) {
			return rules.ErrNotFound
		}
		if err := part.ErrErased(); err != nil {
			return err
		}
		sealed = part.BSN
		return s.repo.SaveParticipant(ctx, part, commit.Outcome{Version: v, Actor: p.Actor(), Action: "bsn.revealed: " + reason})
	})
	if err != nil {
		return nil, err
	}
	bsn, err := s.vault.Open(id, sealed)
	if err != nil {
		return nil, fmt.Errorf("open sealed BSN: %w", err)
	}
	return &RevealedBSN{BSN: bsn}, nil
}

// AuditRecord is one entry of a participant's audit trail: the participant's own changes
// and those of its enrolments.
type AuditRecord struct {
	Subject string // participant/<id> or enrolment/<id>
	commit.AuditEntry
}

// ParticipantAudit returns a page of who did what and when to a participant and its
// enrolments, oldest first.
func (s *Service) ParticipantAudit(ctx context.Context, p auth.Principal, id string, page paging.Request) (paging.Page[AuditRecord], error) {
	if _, err := s.GetParticipant(ctx, p, id); err != nil {
		return paging.Page[AuditRecord]{}, err
	}
	subjects := []Subject{{Kind: "participant", ID: id}}
	err := s.repo.EachEnrolment(ctx, p.Region, EnrolmentFilter{ParticipantID: id}, func(en *domain.Enrolment) error {
		subjects = append(subjects, Subject{Kind: "enrolment", ID: en.ID})
		return nil
	})
	if err != nil {
		return paging.Page[AuditRecord]{}, err
	}
	return s.repo.Audit(ctx, subjects, page)
}

// PraktijkverklaringReport is the region's count of praktijkverklaringen and of
// participants who went on to BBL.
type PraktijkverklaringReport struct {
	Issued                   int
	Participants             int
	ParticipantsContinuedBBL int
	BBLTotal                 int
	ByQualification          map[string]int
}

// PraktijkverklaringReport counts for the region; it reads only the participants with a
// praktijkverklaring or a BBL programme.
func (s *Service) PraktijkverklaringReport(ctx context.Context, p auth.Principal) (*PraktijkverklaringReport, error) {
	r := &PraktijkverklaringReport{ByQualification: map[string]int{}}
	if !guidance(p) {
		return r, nil
	}
	err := s.repo.EachParticipant(ctx, p.Region, ParticipantFilter{WithPraktijkverklaring: true}, func(part *domain.Participant) error {
		if part.BBL != nil {
			r.BBLTotal++
		}
		if len(part.Praktijkverklaringen) == 0 {
			return nil
		}
		r.Participants++
		r.Issued += len(part.Praktijkverklaringen)
		for _, pv := range part.Praktijkverklaringen {
			r.ByQualification[pv.Qualification]++
		}
		if part.BBL != nil {
			r.ParticipantsContinuedBBL++
		}
		return nil
	})
	return r, err
}
