package app

import (
	"context"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Claims never block for ever: a declaration no one decides within the region's decision
// period (SROI_DECISION_DAYS) expires and frees what it claimed, after its deciders were
// reminded; a rejection frees at once (Decide). And only worked months count: planned
// months are claimed once they have passed.

// CheckDecisions reminds the deciders of declarations whose decision is due soon and
// expires those not decided in time (a scheduled job). It reads only those due.
func (s *Service) CheckDecisions(ctx context.Context) (reminded, expired int, err error) {
	today := s.today()
	var remind, expire []string
	if err := s.Repo.EachDeclarationDue(ctx, s.region, "remindOn", today.String(), func(d *domain.Declaration) error {
		remind = append(remind, d.ID)
		return nil
	}); err != nil {
		return 0, 0, err
	}
	if err := s.Repo.EachDeclarationDue(ctx, s.region, "decideBy", today.String(), func(d *domain.Declaration) error {
		expire = append(expire, d.ID)
		return nil
	}); err != nil {
		return 0, 0, err
	}
	for _, id := range remind {
		done, err := s.remindDecision(ctx, id)
		if err != nil {
			return reminded, expired, err
		}
		if done {
			reminded++
		}
	}
	for _, id := range expire {
		done, err := s.expire(ctx, id)
		if err != nil {
			return reminded, expired, err
		}
		if done {
			expired++
		}
	}
	return reminded, expired, nil
}

func (s *Service) remindDecision(ctx context.Context, id string) (bool, error) {
	done := false
	err := optimistic.Retry(ctx, func() error {
		d, err := s.Repo.LoadDeclaration(ctx, id)
		if err != nil || d.Status != domain.DeclarationSubmitted || d.Reminded || d.RemindOn.IsZero() || d.RemindOn.After(s.today()) {
			return err
		}
		pr, err := s.Repo.LoadProject(ctx, d.ProjectID)
		if err != nil {
			return err
		}
		d.Reminded = true
		n := s.notice(pr, "decide-"+d.ID, []string{"buyer", "werkplein"}, messages.Of("Social return: a declaration awaits your decision — %s", pr.Title),
			messages.Of("A declaration of %s (%s, %s) on %q awaits a decision. Decide by %s: a declaration not decided by then expires and what it claimed is free again.",
				pr.ContractorName, d.TypeLabel(), domain.Euro(d.Value.Cents), pr.Title, d.DecideBy))
		done = true
		return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: commit.System("decision-check"), Action: "declaration.reminded",
			Events: []commit.Event{notificationEvent(n)}})
	})
	return done, err
}

func (s *Service) expire(ctx context.Context, id string) (bool, error) {
	done := false
	err := optimistic.Retry(ctx, func() error {
		d, err := s.Repo.LoadDeclaration(ctx, id)
		if err != nil || d.Status != domain.DeclarationSubmitted || d.DecideBy.IsZero() || d.DecideBy.After(s.today()) {
			return err
		}
		planned := d.PlannedCents
		if err := d.Expire(s.today(), s.now()); err != nil {
			return err
		}
		e := declarationEventSaying(catalog.TypeDeclarationExpired, d, func(data *DeclarationData) { data.PlannedCents = planned })
		released := s.releaseOf(d)
		d.Planned, d.PlannedCents = nil, 0
		done = true
		return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: commit.System("decision-check"), Action: "declaration.expired",
			Events: append([]commit.Event{e}, released...)})
	})
	return done, err
}

// ClaimPassedMonths claims the planned months of declarations that have passed (a
// scheduled job): they count once the shared topic grants them, as every month does.
func (s *Service) ClaimPassedMonths(ctx context.Context) (int, error) {
	today := s.today()
	var ids []string
	if err := s.Repo.EachDeclarationDue(ctx, s.region, "nextPlanned", today.String()[:7], func(d *domain.Declaration) error {
		ids = append(ids, d.ID)
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			d, err := s.Repo.LoadDeclaration(ctx, id)
			if err != nil || (d.Status != domain.DeclarationSubmitted && d.Status != domain.DeclarationApproved) || len(d.Claiming) > 0 {
				return err
			}
			due := d.DuePlanned(today)
			if len(due) == 0 {
				return nil
			}
			n++
			c := MonthsClaim{Kind: domain.KindCandidate, Person: d.Person, Region: s.region, ProjectID: d.ProjectID, DeclarationID: d.ID, Months: due,
				MaxMonths: d.MaxMonths, At: s.now().UTC(), KeyFingerprint: s.Pseudonyms.Fingerprint()}
			return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: commit.System("planned-months"), Action: "declaration.months-claimed",
				Events: []commit.Event{claimEvent(catalog.TypeCandidateMonthsClaimed, c)}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
