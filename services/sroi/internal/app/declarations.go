package app

import (
	"context"
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
	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// DeclareInput is what a contractor declares: a candidate (external, with the BSN that is
// turned into a pseudonym at once and never stored; or a platform placement by reference,
// with the person's consent), a purchase, or hours.
type DeclareInput struct {
	Kind        string
	Source      string
	Candidate   *domain.CandidateInput
	BSN         string
	EnrolmentID string
	Consent     *domain.Consent
	Purchase    *domain.PurchaseInput
	Hours       *domain.HoursInput
}

// Placement is a participant's placement with an employer, as participants announced it.
type Placement struct {
	EnrolmentID   string
	Region        string
	ParticipantID string
	SchemeID      string
	Person        string
	EmployerKvK   string
	StartDate     civil.Date
	EndDate       civil.Date
	HoursPerWeek  float64
	ContractType  string
	TargetGroups  []string
	Sustainable   bool
	// Anonymous: participants sent no pseudonym of the platform's key (or one of another
	// key): the person is known here by the participant alone and is not declared by it.
	Anonymous bool
}

// candidateTypeOf maps a participant's target groups to the table's candidate type.
func candidateTypeOf(groups []string) domain.CandidateType {
	for _, g := range []struct {
		group string
		typ   domain.CandidateType
	}{{"doelgroepregister", domain.CandidateBanenafspraak}, {"wajong", domain.CandidateWajong}, {"participatiewet", domain.CandidateParticipatiewet},
		{"wia_wao", domain.CandidateWIA}, {"ww", domain.CandidateWW}} {
		if slices.Contains(groups, g.group) {
			return g.typ
		}
	}
	return domain.CandidateNoBenefit
}

// Declare records a contractor's declaration on its own project. Every line is claimed on
// the topic all regions share before it counts — a candidate's worked months (months after
// the current month are planned and claimed once they have passed; months outside the
// award and the deadline plus the policy's grace are refused), a purchase by its supplier
// and invoice, hours by the person and week — and valued when the claim comes back.
func (s *Service) Declare(ctx context.Context, p auth.Principal, projectID string, in DeclareInput) (*domain.Declaration, error) {
	pr, err := s.Repo.LoadProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if !canSee(p, pr) {
		return nil, rules.ErrNotFound
	}
	if !p.Has(auth.RoleContractor) || p.Org != pr.ContractorKvK {
		return nil, rules.Forbid("only the project's contractor declares for it")
	}
	table, err := s.tableByID(ctx, pr.Table)
	if err != nil {
		return nil, err
	}
	now, today := s.now(), s.today()
	d := &domain.Declaration{ID: requestkey.NewID(ctx, "dcl"), Region: s.region, ProjectID: pr.ID, ContractorKvK: pr.ContractorKvK, Kind: in.Kind,
		SubmittedBy: p.Actor().Subject, SubmittedAt: now.UTC(), UpdatedAt: now.UTC(), Value: domain.Value{Table: tableName(table), Trace: []domain.Step{}}}
	var claim *MonthsClaim
	switch in.Kind {
	case domain.KindCandidate:
		if err := s.candidate(ctx, d, in, table); err != nil {
			return nil, err
		}
		due, planned, refused := domain.PlanMonths(d.Months, pr.AwardedOn, pr.Deadline, pr.GraceMonths, today)
		if len(due)+len(planned) == 0 {
			return nil, rules.Invalid("until", "no month of the period lies between the award (%s) and the deadline (%s)%s", pr.AwardedOn, pr.Deadline, grace(pr))
		}
		d.Planned, d.Refused = planned, refused
		if len(due) > 0 {
			claim = &MonthsClaim{Kind: domain.KindCandidate, Person: d.Person, Months: due, MaxMonths: d.MaxMonths}
		}
	case domain.KindPurchase:
		if in.Purchase == nil {
			return nil, rules.Invalid("purchase", "is required for a purchase")
		}
		if err := in.Purchase.Validate(table); err != nil {
			return nil, err
		}
		var v rules.Checker
		noPersonalData(&v, map[string][]string{"purchase.supplier": {in.Purchase.Supplier}, "purchase.invoiceNumber": {in.Purchase.InvoiceNumber}})
		v.Check(within(pr, in.Purchase.InvoiceDate, today), "purchase.invoiceDate", "must lie between the award (%s) and the deadline (%s)%s, not after today", pr.AwardedOn, pr.Deadline, grace(pr))
		if err := v.Err(); err != nil {
			return nil, err
		}
		d.Purchase = in.Purchase
		if d.Value, err = domain.ValueOf(table, domain.Contribution{Kind: domain.KindPurchase, Enterprise: in.Purchase.Enterprise, InvoiceCents: in.Purchase.InvoiceCents}, 0); err != nil {
			return nil, err
		}
		d.Key, d.Units = in.Purchase.PurchaseKey(), []string{"invoice"}
		claim = &MonthsClaim{Kind: domain.KindPurchase, Person: d.Key, Months: d.Units}
	case domain.KindHours:
		if in.Hours == nil {
			return nil, rules.Invalid("hours", "is required for hours")
		}
		if err := in.Hours.Validate(); err != nil {
			return nil, err
		}
		bsn, ok := civil.NormalizeBSN(in.BSN)
		var v rules.Checker
		v.Check(ok, "bsn", "the BSN of the person who gave the hours (9 digits, 11-proef): a person's week counts once; it is turned into a pseudonym and not stored")
		noPersonalData(&v, map[string][]string{"hours.activity": {in.Hours.Activity}})
		v.Check(within(pr, in.Hours.On, today), "hours.on", "must lie between the award (%s) and the deadline (%s)%s, not after today", pr.AwardedOn, pr.Deadline, grace(pr))
		if err := v.Err(); err != nil {
			return nil, err
		}
		d.Hours = in.Hours
		if d.Value, err = domain.ValueOf(table, domain.Contribution{Kind: domain.KindHours, Hours: in.Hours.Hours}, 0); err != nil {
			return nil, err
		}
		d.Person, d.Units = s.Pseudonyms.Person(bsn), []string{domain.WeekOf(in.Hours.On)}
		claim = &MonthsClaim{Kind: domain.KindHours, Person: d.Person, Months: d.Units}
	default:
		return nil, rules.Invalid("kind", "must be %s, %s or %s", domain.KindCandidate, domain.KindPurchase, domain.KindHours)
	}
	var events []commit.Event
	if claim != nil {
		d.Check()
		claim.Region, claim.ProjectID, claim.DeclarationID, claim.At, claim.KeyFingerprint = s.region, pr.ID, d.ID, now.UTC(), s.Pseudonyms.Fingerprint()
		events = append(events, claimEvent(catalog.TypeCandidateMonthsClaimed, *claim))
	} else {
		// only planned months: nothing to claim yet, valued for the forecast at once
		d.Check()
		if _, _, err := d.Settle(table, nil, nil, now); err != nil {
			return nil, err
		}
		d.AwaitDecision(today, s.settings.DecisionDays, s.settings.ReminderDays)
		events = append(events, declarationEvent(catalog.TypeDeclarationValued, d))
	}
	if err := s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: actorOf(p), Action: "declaration." + string(d.Status), Events: events}); err != nil {
		made, ok := requestkey.MadeBefore(ctx, err, func() (*domain.Declaration, error) { return s.Repo.LoadDeclaration(ctx, d.ID) })
		if !ok || made.ProjectID != pr.ID || made.SubmittedBy != d.SubmittedBy {
			return nil, err
		}
		return shownTo(p, made), nil
	}
	return shownTo(p, d), nil
}

func tableName(t domain.Table) string {
	return fmt.Sprintf("%s (version %d, from %s)", t.Name, t.Version, t.EffectiveFrom)
}

// within: a day in the project's window (award to deadline plus the policy's grace), and
// past.
func within(pr *domain.Project, day, today civil.Date) bool {
	return !day.IsZero() && !day.Before(pr.AwardedOn) && !day.After(pr.Deadline.AddMonths(pr.GraceMonths)) && !day.After(today)
}

func grace(pr *domain.Project) string {
	if pr.GraceMonths == 0 {
		return ""
	}
	return fmt.Sprintf(" plus the policy's %d months' grace", pr.GraceMonths)
}

// candidate fills in a candidate line: the person's pseudonym, the months of the period.
func (s *Service) candidate(ctx context.Context, d *domain.Declaration, in DeclareInput, table domain.Table) error {
	if in.Candidate == nil {
		return rules.Invalid("candidate", "is required for a candidate")
	}
	c := *in.Candidate
	switch in.Source {
	case domain.SourcePlatform:
		if in.BSN != "" {
			return rules.Invalid("bsn", "a platform participant is declared by its enrolment, without a BSN")
		}
		pl, err := s.Placements.Load(ctx, in.EnrolmentID)
		if notFound(err) || (err == nil && (pl.Region != s.region || pl.EmployerKvK != d.ContractorKvK)) {
			return rules.Invalid("enrolmentId", "is not a placement of a platform participant with this contractor")
		} else if err != nil {
			return err
		}
		if pl.Anonymous {
			// no pseudonym of the platform's key: counted by it, the person could count twice
			return rules.Invalid("enrolmentId", "this placement carries no person's pseudonym (made without the platform's pseudonym key): declare the person by BSN instead")
		}
		if in.Consent == nil || !in.Consent.Given || in.Consent.On.IsZero() || strings.TrimSpace(in.Consent.RecordedBy) == "" {
			return rules.Invalid("consent", "record the participant's consent to be declared: given, on (date) and recordedBy")
		}
		if c.Candidate == "" {
			c.Candidate = candidateTypeOf(pl.TargetGroups)
		}
		if c.From.IsZero() {
			c.From = pl.StartDate
		}
		if c.HoursPerWeek == 0 {
			c.HoursPerWeek = pl.HoursPerWeek
		}
		if c.ContractType == "" {
			c.ContractType = pl.ContractType
		}
		c.Statushouder = c.Statushouder || slices.Contains(pl.TargetGroups, "statushouder")
		d.Person, d.EnrolmentID, d.Consent = pl.Person, pl.EnrolmentID, in.Consent
	case domain.SourceExternal, "":
		bsn, ok := civil.NormalizeBSN(in.BSN)
		if !ok {
			return rules.Invalid("bsn", "must be a valid BSN (9 digits, 11-proef); it is turned into a pseudonym and not stored")
		}
		d.Person = s.Pseudonyms.Person(bsn)
		in.Source = domain.SourceExternal
	default:
		return rules.Invalid("source", "must be external or platform")
	}
	if err := c.Validate(table); err != nil {
		return err
	}
	d.Source, d.Candidate = in.Source, &c
	d.Months = domain.MonthsOf(c.From, c.Until)
	if len(d.Months) == 0 {
		return rules.Invalid("until", "the period covers no month for at least half of it")
	}
	if len(d.Months) > 120 {
		return rules.Invalid("until", "a declaration covers at most ten years")
	}
	d.MaxMonths = table.MaxMonthsOf(c.Candidate)
	return nil
}

// shown is a declaration as its API shows it: never the person's pseudonym.
func shown(d *domain.Declaration) *domain.Declaration {
	c := *d
	c.Person = ""
	return &c
}

// shownTo is a declaration as the caller may see it: the project's buyer and the werkplein
// see where a month counts already, its contractor only that it is not available.
func shownTo(p auth.Principal, d *domain.Declaration) *domain.Declaration {
	if p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		return shown(d)
	}
	return shown(d.Redacted())
}

// ApplyClaim follows the shared topic: every region's claims are kept in its order, so
// every instance reaches the same answer for every unit; a claim of this region then
// settles its declaration with what counts and its value. A claim made with another
// pseudonym key than this region's is refused (dead-lettered, counted): counting it would
// let a person count twice.
func (s *Service) ApplyClaim(ctx context.Context, c MonthsClaim) error {
	if own := s.Pseudonyms.Fingerprint(); c.KeyFingerprint != "" && c.KeyFingerprint != own {
		if s.Counters != nil {
			s.Counters.KeyMismatch(ctx, "claim")
		}
		return reject("the claim of region %s was made with another pseudonym key (fingerprint %s, this region's %s): its people cannot be recognised here", c.Region, c.KeyFingerprint, own)
	}
	granted, refused, err := s.Claims.Claim(ctx, c)
	if err != nil || c.Region != s.region {
		return err
	}
	return optimistic.Retry(ctx, func() error {
		d, err := s.Repo.LoadDeclaration(ctx, c.DeclarationID)
		if notFound(err) {
			return reject("claim for unknown declaration %s", c.DeclarationID)
		} else if err != nil {
			return err
		}
		now := s.now()
		switch {
		case d.Status == domain.DeclarationRejected || d.Status == domain.DeclarationExpired:
			// decided (or expired) while the claim was under way: what it took is freed
			if len(granted) == 0 || !d.Awaits(c.Months) {
				return nil
			}
			d.Claiming = nil
			return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: commit.System(catalog.TopicSroiCandidateMonths), Action: "declaration.claim-freed",
				Events: []commit.Event{claimEvent(catalog.TypeCandidateMonthsReleased, MonthsClaim{Kind: c.Kind, Person: c.Person, Region: s.region, ProjectID: d.ProjectID,
					DeclarationID: d.ID, Months: granted, MaxMonths: c.MaxMonths, At: now.UTC(), KeyFingerprint: c.KeyFingerprint})}})
		case d.Status != domain.DeclarationChecking && !d.Awaits(c.Months):
			return nil // settled before (a replay)
		}
		pr, err := s.Repo.LoadProject(ctx, d.ProjectID)
		if err != nil {
			return err
		}
		table, err := s.tableByID(ctx, pr.Table)
		if err != nil {
			return err
		}
		first := d.Status == domain.DeclarationChecking
		delta, plannedDelta, err := d.Settle(table, granted, refused, now)
		if err != nil {
			return err
		}
		actor := commit.System(catalog.TopicSroiCandidateMonths)
		if first {
			d.AwaitDecision(s.today(), s.settings.DecisionDays, s.settings.ReminderDays)
			return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: actor, Action: "declaration.valued",
				Events: []commit.Event{declarationEvent(catalog.TypeDeclarationValued, d)}})
		}
		e := declarationEventSaying(catalog.TypeDeclarationMonthsCounted, d, func(data *DeclarationData) {
			data.DeltaCents, data.PlannedDeltaCents = delta, plannedDelta
		})
		return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: actor, Action: "declaration.months-counted", Events: []commit.Event{e}})
	})
}

// ReleaseClaim follows a release on the shared topic.
func (s *Service) ReleaseClaim(ctx context.Context, c MonthsClaim) error {
	return s.Claims.Release(ctx, c)
}

// releaseOf is the event that frees what a declaration holds on the shared topic.
func (s *Service) releaseOf(d *domain.Declaration) []commit.Event {
	if len(d.Counted) == 0 {
		return nil
	}
	c := MonthsClaim{Kind: d.Kind, Person: d.Person, Region: s.region, ProjectID: d.ProjectID, DeclarationID: d.ID, Months: d.Counted,
		MaxMonths: d.MaxMonths, At: s.now().UTC(), KeyFingerprint: s.Pseudonyms.Fingerprint()}
	if d.Kind == domain.KindPurchase {
		c.Person = d.Key
	}
	if c.Person == "" {
		return nil
	}
	return []commit.Event{claimEvent(catalog.TypeCandidateMonthsReleased, c)}
}

// Decide approves or rejects a declaration (the buyer, or the werkplein on its behalf);
// a rejected declaration's months, purchase or hours are free again at once.
func (s *Service) Decide(ctx context.Context, p auth.Principal, id string, approve bool, reason string) (*domain.Declaration, error) {
	var out *domain.Declaration
	err := optimistic.Retry(ctx, func() error {
		d, err := s.loadVisible(ctx, p, id)
		if err != nil {
			return err
		}
		if !p.Has(auth.RoleBuyer, auth.RoleCoordinator) {
			return rules.Forbid("a buyer or the werkplein decides on declarations")
		}
		planned := d.PlannedCents
		if err := d.Decide(approve, reason, p.Actor().Subject, s.now()); err != nil {
			return err
		}
		typ := catalog.TypeDeclarationApproved
		var released []commit.Event
		if !approve {
			typ = catalog.TypeDeclarationRejected
			released = s.releaseOf(d)
		}
		e := declarationEvent(typ, d)
		if !approve {
			e = declarationEventSaying(typ, d, func(data *DeclarationData) { data.PlannedCents = planned }) // the planned months that will not come
			d.PlannedCents = 0
		}
		out = d
		return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: actorOf(p), Action: "declaration." + string(d.Status), Events: append([]commit.Event{e}, released...)})
	})
	if err != nil {
		return nil, err
	}
	return shown(out), nil
}

// loadVisible loads a declaration the caller may see: the region's buyers and werkplein,
// the project's contractor.
func (s *Service) loadVisible(ctx context.Context, p auth.Principal, id string) (*domain.Declaration, error) {
	d, err := s.Repo.LoadDeclaration(ctx, id)
	if err != nil {
		return nil, err
	}
	ownContractor := p.Has(auth.RoleContractor) && p.Org == d.ContractorKvK
	if d.Region != p.Region || (!p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) && !ownContractor) {
		return nil, rules.ErrNotFound
	}
	return d, nil
}

// GetDeclaration is a declaration with its value and calculation trace.
func (s *Service) GetDeclaration(ctx context.Context, p auth.Principal, id string) (*domain.Declaration, error) {
	d, err := s.loadVisible(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return shownTo(p, d), nil
}

// ListDeclarations lists declarations the caller may see (a contractor: its own).
func (s *Service) ListDeclarations(ctx context.Context, p auth.Principal, f DeclarationFilter, page paging.Request) (paging.Page[domain.Declaration], error) {
	if !p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		f.Contractor = p.Org
	}
	out, err := s.Repo.ListDeclarations(ctx, p.Region, f, page)
	for i := range out.Items {
		out.Items[i] = *shownTo(p, &out.Items[i])
	}
	return out, err
}

// FollowDeclaration counts a declaration's change in its project's figures exactly once
// (the cause is the declaration's version), and an approved candidate towards the jobs goal.
func (s *Service) FollowDeclaration(ctx context.Context, typ string, e DeclarationData) error {
	delta := domain.Delta{Type: e.Type}
	switch typ {
	case catalog.TypeDeclarationValued:
		delta.Declared, delta.Pending, delta.Planned, delta.Declarations = e.ValueCents, e.ValueCents, e.PlannedCents, 1
	case catalog.TypeDeclarationApproved:
		delta.Approved, delta.Pending, delta.ApprovedCount = e.ValueCents, -e.ValueCents, 1
		if e.Kind == domain.KindCandidate {
			if err := s.countApprovedCandidate(ctx, e.DeclarationID); err != nil {
				return err
			}
		}
	case catalog.TypeDeclarationRejected, catalog.TypeDeclarationExpired:
		delta.Declared, delta.Pending, delta.Planned = -e.ValueCents, -e.ValueCents, -e.PlannedCents
	case catalog.TypeDeclarationMonthsCounted:
		delta.Declared, delta.Planned = e.DeltaCents, e.PlannedDeltaCents
		if e.Status == domain.DeclarationApproved {
			delta.Approved = e.DeltaCents
			if err := s.countApprovedCandidate(ctx, e.DeclarationID); err != nil {
				return err
			}
		} else {
			delta.Pending = e.DeltaCents
		}
	default:
		return nil
	}
	cause := fmt.Sprintf("%s@%d", e.DeclarationID, e.Version)
	return optimistic.Retry(ctx, func() error {
		pr, err := s.Repo.LoadProject(ctx, e.ProjectID)
		if err != nil {
			return err
		}
		if done, err := s.Repo.ProjectCounted(ctx, pr.ID, cause, pr.CurrentVersion()); err != nil || done {
			return err
		}
		before := pr.Progress.Status
		pr.Count(delta, civil.DateOf(e.At))
		pr.Recompute(s.today())
		events := []commit.Event{projectEvent(catalog.TypeProjectProgressChanged, pr)}
		if before != domain.StatusMet && pr.Progress.Status == domain.StatusMet && pr.ObligationCents() > 0 {
			events = append(events, notificationEvent(s.notice(pr, "met", []string{"contractor", "buyer", "werkplein"},
				messages.Of("Social return realised: %s", pr.Title), messages.Of("The obligation of %s for %q is realised: %s approved.",
					domain.Euro(pr.ObligationCents()), pr.Title, domain.Euro(pr.Figures.ApprovedCents)))))
		}
		return s.Repo.SaveProject(ctx, pr, commit.Outcome{Actor: commit.System(catalog.TopicSroiDeclarations), Action: "project.counted",
			Events: events, Causes: []string{cause}})
	})
}

func (s *Service) countApprovedCandidate(ctx context.Context, id string) error {
	d, err := s.Repo.LoadDeclaration(ctx, id)
	if err != nil {
		return err
	}
	if d.Person == "" || len(d.Counted) == 0 {
		return nil
	}
	first, err := civil.ParseDate(d.Counted[0] + "-01")
	if err != nil {
		return err
	}
	return s.People.Count(ctx, s.region, d.Person, civil.Max(first, d.Candidate.From), "sroi")
}
