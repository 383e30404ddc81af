package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Goal is a regional jobs goal, such as Groningen's 1000-banenplan.
type Goal struct {
	ID     string
	Region string
	Name   string
	domain.JobsGoal
	CreatedBy string
	CreatedAt time.Time
}

// GoalInput sets a jobs goal.
type GoalInput struct {
	ID       string
	Name     string
	Target   int
	From     civil.Date
	Deadline civil.Date
}

// GoalProgress is a jobs goal against the people in work: counted once per person, from
// the platform's placements and the approved SROI candidates.
type GoalProgress struct {
	Goal Goal
	domain.GoalPace
	Shortfall int
	Quarters  []QuarterCount
}

// QuarterCount is one quarter of a goal: people newly in work, the running total, and the
// target line at the quarter's end.
type QuarterCount struct {
	Quarter    string
	Placed     int
	Cumulative int
	Target     int
}

// SetGoal creates or replaces a goal (a buyer or administrator of the region).
func (s *Service) SetGoal(ctx context.Context, p auth.Principal, in GoalInput) (*Goal, error) {
	var v rules.Checker
	v.Check(len(in.ID) >= 2 && len(in.ID) <= 60 && strings.Trim(in.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") == "", "id", "lower-case letters, digits and dashes (2 to 60)")
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required")
	v.Check(in.Target > 0 && in.Target <= 10_000_000, "target", "must be a positive number of people")
	v.Check(!in.From.IsZero() && in.Deadline.After(in.From), "deadline", "must lie after from")
	noPersonalData(&v, map[string][]string{"id": {in.ID}, "name": {in.Name}})
	if err := v.Err(); err != nil {
		return nil, err
	}
	g := Goal{ID: in.ID, Region: s.region, Name: strings.TrimSpace(in.Name), JobsGoal: domain.JobsGoal{Target: in.Target, From: in.From, Deadline: in.Deadline},
		CreatedBy: p.Actor().Subject, CreatedAt: s.now().UTC()}
	return &g, s.Goals.Save(ctx, g)
}

// ListGoals lists the region's goals.
func (s *Service) ListGoals(ctx context.Context) ([]Goal, error) { return s.Goals.List(ctx, s.region) }

// GoalProgress is where a goal stands today, per quarter. Its cost follows the people
// counted in the goal's period, not the region's history.
func (s *Service) GoalProgress(ctx context.Context, id string) (*GoalProgress, error) {
	g, err := s.Goals.Load(ctx, s.region, id)
	if err != nil {
		return nil, err
	}
	today := s.today()
	until := g.Deadline
	if today.Before(until) {
		until = today
	}
	days, err := s.People.FirstDays(ctx, s.region, g.From, until)
	if err != nil {
		return nil, err
	}
	perQuarter := map[string]int{}
	for _, d := range days {
		perQuarter[domain.QuarterOf(d)]++
	}
	out := &GoalProgress{Goal: *g, GoalPace: domain.PaceOf(g.JobsGoal, len(days), today)}
	out.Shortfall = max(g.Target-len(days), 0)
	total := g.From.DaysUntil(g.Deadline)
	cum := 0
	for q := quarterStart(g.From); !q.After(g.Deadline); q = q.AddMonths(3) {
		end := q.AddMonths(3).AddDays(-1)
		name := domain.QuarterOf(q)
		cum += perQuarter[name]
		passed := min(max(g.From.DaysUntil(end)+1, 0), total)
		row := QuarterCount{Quarter: name, Placed: perQuarter[name], Cumulative: cum, Target: g.Target * passed / max(total, 1)}
		if q.After(today) {
			row.Placed, row.Cumulative = 0, 0
		}
		out.Quarters = append(out.Quarters, row)
	}
	return out, nil
}

func quarterStart(d civil.Date) civil.Date {
	t := d.Time()
	return civil.NewDate(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1)
}

// KeepPlacement follows participants' milestones: a placement may be declared by reference,
// and every person placed counts once towards the region's jobs goals.
// A person pseudonymised with another key (keyFingerprint is not this region's) is not
// recognised here: counted, it would count twice; it is kept as a participant alone.
func (s *Service) KeepPlacement(ctx context.Context, pl Placement, placedOn civil.Date, keyFingerprint string) error {
	if pl.Person != "" && keyFingerprint != "" && keyFingerprint != s.Pseudonyms.Fingerprint() {
		if s.Counters != nil {
			s.Counters.KeyMismatch(ctx, "placement")
		}
		pl.Person = ""
	}
	if pl.Person == "" {
		// a participant enrolled without the pseudonym key: counted within the region by the
		// participant, and not declared by reference (the person could count twice)
		sum := sha256.Sum256([]byte("werkregio-participant|" + pl.Region + "/" + pl.ParticipantID))
		pl.Person, pl.Anonymous = hex.EncodeToString(sum[:]), true
	}
	if err := s.Placements.Keep(ctx, pl); err != nil {
		return err
	}
	if placedOn.IsZero() {
		return fmt.Errorf("placement without a day")
	}
	return s.People.Count(ctx, s.region, pl.Person, placedOn, "platform")
}
