package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// A region's social-return rules are data it publishes: dated versions of its policy (the
// thresholds per contract type, the percentage, the cap) and dated value tables with their
// source, each validated (a table against its own published examples). Published versions
// are never edited: a change is a new version, and tenders published from its effective
// date use it. There is no silent default: a region that published none gets projects
// that say so.

// PublishedPolicy is a version of the region's policy as published, by whom and when.
type PublishedPolicy struct {
	optimistic.StoreVersion
	domain.Policy
	PublishedBy string
	PublishedAt time.Time
}

// PublishedTable is a value table as published.
type PublishedTable struct {
	optimistic.StoreVersion
	domain.Table
	PublishedBy string
	PublishedAt time.Time
}

// PolicyID names a version of the region's policy.
func PolicyID(version int) string { return fmt.Sprintf("policy-%d", version) }

// PublishPolicy publishes a version of the region's policy (its administrator, or the
// Region's configuration at start). Publishing the same version again with the same content
// changes nothing; with other content it is refused: publish a new version. Projects made
// without a policy whose tender falls under it get their obligation.
func (s *Service) PublishPolicy(ctx context.Context, actor commit.Actor, in domain.Policy) (*PublishedPolicy, error) {
	in.Region = s.region // a policy the region adopted (rijk's, say) is its own version now
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := PolicyID(in.Version)
	if cur, err := s.Repo.LoadPolicy(ctx, id); err == nil {
		if !same(cur.Policy, in) {
			return nil, rules.State("version %d of the policy was published on %s and is not changed; publish version %d", in.Version,
				civil.DateOf(cur.PublishedAt), in.Version+1)
		}
		return cur, nil
	} else if !notFound(err) {
		return nil, err
	}
	p := &PublishedPolicy{Policy: in, PublishedBy: actor.Subject, PublishedAt: s.now().UTC()}
	if err := s.Repo.SavePolicy(ctx, p, commit.Outcome{Actor: actor, Action: "policy.published"}); err != nil {
		return nil, err
	}
	return p, s.completeProjects(ctx, "policy")
}

// PublishTable publishes a value table, refused unless it values its own examples as its
// publication does.
func (s *Service) PublishTable(ctx context.Context, actor commit.Actor, in domain.Table) (*PublishedTable, error) {
	in.Region = s.region
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if cur, err := s.Repo.LoadTable(ctx, in.ID); err == nil {
		if !same(cur.Table, in) {
			return nil, rules.State("the table %s was published on %s and is not changed; publish it under a new id and version", in.ID, civil.DateOf(cur.PublishedAt))
		}
		return cur, nil
	} else if !notFound(err) {
		return nil, err
	}
	t := &PublishedTable{Table: in, PublishedBy: actor.Subject, PublishedAt: s.now().UTC()}
	if err := s.Repo.SaveTable(ctx, t, commit.Outcome{Actor: actor, Action: "table.published"}); err != nil {
		return nil, err
	}
	return t, s.completeProjects(ctx, "table")
}

func same(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// PublishPolicyAs is the administrator's publication through the API.
func (s *Service) PublishPolicyAs(ctx context.Context, p auth.Principal, in domain.Policy) (*PublishedPolicy, error) {
	return s.PublishPolicy(ctx, p.Actor(), in)
}

// PublishTableAs is the administrator's publication through the API.
func (s *Service) PublishTableAs(ctx context.Context, p auth.Principal, in domain.Table) (*PublishedTable, error) {
	return s.PublishTable(ctx, p.Actor(), in)
}

// Policies lists the region's policy versions, oldest first.
func (s *Service) Policies(ctx context.Context) ([]PublishedPolicy, error) {
	out, err := s.Repo.Policies(ctx, s.region)
	slices.SortFunc(out, func(a, b PublishedPolicy) int { return a.Version - b.Version })
	return out, err
}

// Tables lists the region's value tables, oldest first.
func (s *Service) Tables(ctx context.Context) ([]PublishedTable, error) {
	out, err := s.Repo.Tables(ctx, s.region)
	slices.SortFunc(out, func(a, b PublishedTable) int { return a.EffectiveFrom.Time().Compare(b.EffectiveFrom.Time()) })
	return out, err
}

// policyAt is the version in force on a day, or nil when the region has none.
func (s *Service) policyAt(ctx context.Context, day civil.Date) (*domain.Policy, error) {
	published, err := s.Repo.Policies(ctx, s.region)
	if err != nil {
		return nil, err
	}
	versions := make([]domain.Policy, len(published))
	for i, p := range published {
		versions[i] = p.Policy
	}
	if p, ok := domain.PolicyAt(versions, day); ok {
		return &p, nil
	}
	return nil, nil
}

// tableAt is the region's table in force on a day, or nil when it has none.
func (s *Service) tableAt(ctx context.Context, day civil.Date) (*domain.Table, error) {
	published, err := s.Repo.Tables(ctx, s.region)
	if err != nil {
		return nil, err
	}
	tables := make([]domain.Table, len(published))
	for i, t := range published {
		tables[i] = t.Table
	}
	if t, ok := domain.TableAt(tables, "", day); ok {
		return &t, nil
	}
	return nil, nil
}

// tableByID is the table a project values with.
func (s *Service) tableByID(ctx context.Context, id string) (domain.Table, error) {
	if id == "" {
		return domain.Table{}, rules.State("the region has published no value table for this project's tender: nothing can be declared until it does")
	}
	t, err := s.Repo.LoadTable(ctx, id)
	if notFound(err) {
		return domain.Table{}, rules.State("the value table %s is not published in this region", id)
	}
	if err != nil {
		return domain.Table{}, err
	}
	return t.Table, nil
}

// completeProjects gives the projects made without a policy (or a table) the one now in
// force on their tender's publication date.
func (s *Service) completeProjects(ctx context.Context, what string) error {
	var ids []string
	if err := s.Repo.EachProjectWithout(ctx, s.region, what, func(p *domain.Project) error {
		ids = append(ids, p.ID)
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		err := optimistic.Retry(ctx, func() error {
			pr, err := s.Repo.LoadProject(ctx, id)
			if err != nil {
				return err
			}
			day := pr.Award.Published
			switch what {
			case "policy":
				policy, err := s.policyAt(ctx, day)
				if err != nil || policy == nil || !pr.NoPolicy {
					return err
				}
				if err := pr.ApplyPolicy(*policy, s.now()); err != nil {
					return err
				}
				return s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: commit.System("policy"), Action: "project.obligation-set",
					Events: []commit.Event{projectEvent(catalog.TypeProjectObligationSet, pr)}})
			default:
				table, err := s.tableAt(ctx, day)
				if err != nil || table == nil || pr.Table != "" {
					return err
				}
				pr.Table = table.ID
				return s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: commit.System("table"), Action: "project.table-set",
					Events: []commit.Event{projectEvent(catalog.TypeProjectObligationSet, pr)}})
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
