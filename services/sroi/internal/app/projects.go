package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Award is what the sroi service needs of procurement's award of a tender.
type Award struct {
	TenderID                  string
	Region                    string
	Buyer                     string
	Title                     string
	Sector                    string
	ContractorKvK             string
	ContractorName            string
	ContractValueExclVatCents int64
	SroiBasisPoints           int
	PublicationDate           civil.Date
	AwardedOn                 civil.Date
	ContractType              string
	ContractStart             civil.Date
	ContractEnd               civil.Date
}

// ProjectID is the project of a tender: one per award, whatever is redelivered.
func ProjectID(tenderID string) string { return "prj-" + tenderID }

// contractMonths is the contract's duration in whole months, 0 when unknown.
func (a Award) contractMonths() int {
	if a.ContractEnd.IsZero() {
		return 0
	}
	start := a.ContractStart
	if start.IsZero() {
		start = a.AwardedOn
	}
	n := 0
	for m := start.AddMonths(1); !m.After(a.ContractEnd.AddDays(1)); m = start.AddMonths(n + 2) {
		n++
	}
	return n
}

// RecordAward creates the project of an award with its obligation, once: a redelivered
// award finds its project. The contractor is notified.
func (s *Service) RecordAward(ctx context.Context, a Award) error {
	id := ProjectID(a.TenderID)
	if _, err := s.Repo.LoadProject(ctx, id); err == nil {
		return nil
	} else if !notFound(err) {
		return err
	}
	// without a policy or a table the project is still made, and says so: nothing is lost
	policy, err := s.policyAt(ctx, a.PublicationDate)
	if err != nil {
		return err
	}
	table, err := s.tableAt(ctx, a.PublicationDate)
	if err != nil {
		return err
	}
	facts := domain.AwardFacts{TenderID: a.TenderID, Title: a.Title, Sector: a.Sector, Buyer: a.Buyer, ContractorKvK: a.ContractorKvK,
		ContractorName: a.ContractorName, AwardedOn: a.AwardedOn, ContractEnd: a.ContractEnd,
		Award: domain.Award{ValueCents: a.ContractValueExclVatCents, Months: a.contractMonths(), ContractType: a.ContractType,
			BasisPoints: a.SroiBasisPoints, Published: a.PublicationDate}}
	p, err := domain.NewProject(id, s.region, facts, policy, table, s.now())
	if err != nil {
		return &rules.Rejected{Reason: err} // its rule is the domain's (rules.MessageOf)
	}
	events := []commit.Event{projectEvent(catalog.TypeProjectObligationSet, p)}
	switch {
	case p.NoPolicy:
		events = append(events, notificationEvent(s.notice(p, "no-policy", []string{"buyer", "werkplein"},
			messages.Of("Social return: no policy for %s", p.Title),
			messages.Of("%q was awarded to %s, but the region has published no social-return policy in force on %s, the tender's publication date: no obligation was computed. Publish the policy or set the obligation.",
				p.Title, p.ContractorName, a.PublicationDate))))
	case p.ObligationCents() > 0:
		valued := messages.Of("No value table is published for its tender yet.")
		if table != nil {
			valued = messages.Of("Declarations are valued with %s.", table.Name)
		}
		events = append(events, notificationEvent(s.notice(p, "award", []string{"contractor", "buyer", "werkplein"},
			messages.Of("Social return: obligation of %s for %s", domain.Euro(p.ObligationCents()), p.Title),
			messages.Of("%s was awarded %q. The social-return obligation is %s (%s), to be realised by %s.",
				p.ContractorName, p.Title, domain.Euro(p.ObligationCents()), p.Computed.Rule, p.Deadline), valued)))
	}
	err = s.Repo.SaveProject(ctx, p, commit.Outcome{Actor: commit.System(catalog.TopicProcurementTenders), Action: "project.obligation-set", Events: events})
	if errors.Is(err, rules.ErrConflict) {
		return nil // another delivery created it
	}
	return err
}

// canSee: the region's buyers, werkplein coordinators and administrators see every
// project; a contractor its own.
func canSee(p auth.Principal, pr *domain.Project) bool {
	if p.Region != pr.Region {
		return false
	}
	if p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		return true
	}
	return p.Has(auth.RoleContractor) && p.Org == pr.ContractorKvK
}

// GetProject is a project its caller may see.
func (s *Service) GetProject(ctx context.Context, p auth.Principal, id string) (*domain.Project, error) {
	pr, err := s.Repo.LoadProject(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSee(p, pr) {
		return nil, rules.ErrNotFound
	}
	return pr, nil
}

// ListProjects lists the projects the caller may see (a contractor: its own).
func (s *Service) ListProjects(ctx context.Context, p auth.Principal, f ProjectFilter, page paging.Request) (paging.Page[domain.Project], error) {
	if p.Has(auth.RoleContractor) && !p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		f.Contractor = p.Org
	}
	return s.Repo.ListProjects(ctx, p.Region, f, page)
}

// changeProject applies a buyer's change to a project with its event.
func (s *Service) changeProject(ctx context.Context, p auth.Principal, id, action, eventType string, change func(*domain.Project) error) (*domain.Project, error) {
	var out *domain.Project
	err := optimistic.Retry(ctx, func() error {
		pr, err := s.Repo.LoadProject(ctx, id)
		if err != nil {
			return err
		}
		if !canSee(p, pr) {
			return rules.ErrNotFound
		}
		if err := change(pr); err != nil {
			return err
		}
		out = pr
		return s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: actorOf(p), Action: action, Events: []commit.Event{projectEvent(eventType, pr)}})
	})
	return out, err
}

// OverrideObligation sets the obligation otherwise, with the reason (audited).
func (s *Service) OverrideObligation(ctx context.Context, p auth.Principal, id string, cents domain.Cents, reason string) (*domain.Project, error) {
	return s.changeProject(ctx, p, id, "project.obligation-overridden", catalog.TypeProjectObligationOverridden, func(pr *domain.Project) error {
		return pr.SetObligation(cents, reason, p.Actor().Subject, s.now())
	})
}

// SetParties names the project's three responsible persons.
// A notice that found no party's address (the award's, a reminder computed before the
// buyer named the parties) is sent now, if it is not older than a month.
func (s *Service) SetParties(ctx context.Context, p auth.Principal, id string, in domain.Parties) (*domain.Project, error) {
	pr, err := s.changeProject(ctx, p, id, "project.parties-changed", catalog.TypeProjectPartiesChanged, func(pr *domain.Project) error {
		return pr.SetParties(in, s.now())
	})
	if err != nil || s.Notifications == nil {
		return pr, err
	}
	if n, err := s.Notifications.Readdress(ctx, id, s.now().AddDate(0, -1, 0)); err != nil || n == 0 {
		return pr, err
	}
	_, err = s.Deliver(ctx) // a failed send is retried by the mail job
	return pr, err
}

// SetDeadline moves a project's deadline.
func (s *Service) SetDeadline(ctx context.Context, p auth.Principal, id string, d civil.Date, reason string) (*domain.Project, error) {
	return s.changeProject(ctx, p, id, "project.deadline-changed", catalog.TypeProjectProgressChanged, func(pr *domain.Project) error {
		return pr.SetDeadline(d, reason, s.now())
	})
}

// CheckProgress recomputes the projects whose status may have changed with time, and
// sends the reminders due: 90 and 30 days before the deadline, and when a project falls
// behind (to the contractor and the werkplein). It reads only the projects due a check.
func (s *Service) CheckProgress(ctx context.Context) (int, error) {
	today := s.today()
	n := 0
	err := s.Repo.EachProjectToCheck(ctx, s.region, today, func(pr *domain.Project) error {
		return optimistic.Retry(ctx, func() error {
			cur, err := s.Repo.LoadProject(ctx, pr.ID)
			if err != nil {
				return err
			}
			changed, err := s.checkProject(ctx, cur, today)
			if changed {
				n++
			}
			return err
		})
	})
	return n, err
}

func (s *Service) checkProject(ctx context.Context, pr *domain.Project, today civil.Date) (bool, error) {
	before := pr.Progress.Status
	pr.Recompute(today)
	var events []commit.Event
	if pr.Progress.Status != before {
		events = append(events, projectEvent(catalog.TypeProjectProgressChanged, pr))
	}
	for _, r := range s.remindersDue(pr, today) {
		pr.Reminders = append(pr.Reminders, strings.TrimPrefix(r.Cause, pr.ID+"/"))
		events = append(events, notificationEvent(r))
	}
	pr.Recompute(today) // the next check knows the reminders sent
	if len(events) == 0 && pr.NextCheck.After(today) {
		// nothing changed: only the next check moves (no event, no new version for readers)
		return false, s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: commit.System("progress-check"), Action: "project.checked"})
	}
	return len(events) > 0, s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: commit.System("progress-check"), Action: "project.progress-checked", Events: events})
}

func (s *Service) remindersDue(pr *domain.Project, today civil.Date) []Notification {
	var out []Notification
	have := func(c string) bool { return slices.Contains(pr.Reminders, c) }
	if pr.Deadline.IsZero() {
		return nil
	}
	status := pr.Progress.Status
	if status == domain.StatusMet || pr.ObligationCents() == 0 {
		return nil
	}
	left := today.DaysUntil(pr.Deadline)
	for _, days := range []int{90, 30} {
		cause := fmt.Sprintf("deadline-%d", days)
		if left <= days && left > 0 && !have(cause) {
			out = append(out, s.notice(pr, cause, []string{"contractor", "werkplein"},
				messages.Of("Social return: %d days left for %s", left, pr.Title),
				messages.Of("The social-return obligation of %s for %q is due on %s. Approved so far: %s (%s).",
					domain.Euro(pr.ObligationCents()), pr.Title, pr.Deadline, domain.Euro(pr.Figures.ApprovedCents), status), pr.Progress.Why))
		}
	}
	// behind: at most one reminder a quarter, however often the status flips
	if behind := domain.BehindReminder(today); status == domain.StatusBehind && !have(behind) {
		out = append(out, s.notice(pr, behind, []string{"contractor", "werkplein"},
			messages.Of("Social return behind schedule: %s", pr.Title),
			messages.Of("%q is behind.", pr.Title), pr.Progress.Why,
			messages.Of("Declare the candidates and contributions deployed, or contact the werkplein.")))
	}
	if status == domain.StatusOverdue && !have(domain.OverdueReminder) {
		out = append(out, s.notice(pr, domain.OverdueReminder, []string{"contractor", "buyer", "werkplein"},
			messages.Of("Social return overdue: %s", pr.Title), pr.Progress.Why))
	}
	return out
}

// notice is a notification about a project, its cause unique per project.
// Its subject and paragraphs are messages (contracts/messages): the e-mail says them in
// Dutch; the event carries them in English.
func (s *Service) notice(pr *domain.Project, cause string, to []string, subject messages.Message, paragraphs ...messages.Message) Notification {
	n := Notification{Cause: pr.ID + "/" + cause, Region: pr.Region, ProjectID: pr.ID, To: to, Title: subject, Paragraphs: paragraphs,
		Subject: subject.English(), At: s.now().UTC()}
	english := make([]string, len(paragraphs))
	for i, p := range paragraphs {
		english[i] = p.English()
	}
	n.Body = strings.Join(english, "\n\n")
	if s.settings.PortalURL != "" {
		n.Link = s.settings.PortalURL + "/sroi/projecten/" + pr.ID
		n.Body += "\n\n" + n.Link
	}
	return n
}
