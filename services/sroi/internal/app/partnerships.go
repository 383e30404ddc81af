package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Partnership is a regional partnership (e.g. Bouw & Techniek Groningen): the Open House
// schemes it trains in, the budgets that finance it and the SROI projects it serves.
type Partnership struct {
	ID        string
	Region    string
	Name      string
	Schemes   []string
	Budgets   []Financing
	Projects  []string
	CreatedBy string
	CreatedAt time.Time
}

// Financing is a payments budget that finances a partnership, with its source.
type Financing struct {
	BudgetID string
	Source   string // Regionaal Investeringsfonds, Perspectief op Werk, ...
}

// PartnershipInput sets a partnership.
type PartnershipInput struct {
	ID       string
	Name     string
	Schemes  []string
	Budgets  []Financing
	Projects []string
}

// PartnershipReport is what a partnership brought whom, what it cost and its impact.
type PartnershipReport struct {
	Partnership Partnership
	Employers   EmployersValue
	Government  GovernmentValue
	Education   EducationValue
	Costs       Costs
	Impact      Impact
}

// EmployersValue: people placed with employers and the social return contractors realised.
type EmployersValue struct {
	Placements          int
	SroiApprovedCents   domain.Cents
	SroiObligationCents domain.Cents
}

// GovernmentValue: people placed who came from a benefit (WW, Wajong, WIA/WAO, Participatiewet).
type GovernmentValue struct {
	PlacementsFromBenefit int
}

// EducationValue: work-study places (BBL) and the value of BBL/BOL places declared.
type EducationValue struct {
	BBLPlacements       int
	BBLBOLApprovedCents domain.Cents
}

// Costs are the tranches paid and owed from the partnership's budgets, by financing source.
type Costs struct {
	PaidCents domain.Cents
	OwedCents domain.Cents // approved, payable or in a run, not paid yet
	BySource  map[string]SourceCost
}

// SourceCost is one financing source's share.
type SourceCost struct {
	PaidCents domain.Cents
	OwedCents domain.Cents
}

// Impact: people placed, and still in work after six and twelve months.
type Impact struct {
	Placed int
	// After6Months: sustainably placed (six months of work, as participants established it).
	After6Months int
	// After12Months: placed at least a year ago, still sustainably placed and no end of the
	// job reported.
	After12Months int
}

// Tranches is the replica of payments' tranches: amount, status and budget, newest version.
type Tranches interface {
	Keep(ctx context.Context, t TrancheCost) error
	// Sum adds up the tranches of the budgets by budget and status.
	Sum(ctx context.Context, budgets []string) (map[string]map[string]domain.Cents, error)
}

// TrancheCost is a tranche as the partnership's costs need it.
type TrancheCost struct {
	TrancheID   string
	Region      string
	BudgetID    string
	AmountCents domain.Cents
	Status      string
	Seq         int // the event's position: only a newer one replaces a tranche
}

// Partnerships stores the region's partnerships; PlacementsOf reads the placements of schemes.
type Partnerships interface {
	Save(ctx context.Context, p Partnership) error
	Load(ctx context.Context, region, id string) (*Partnership, error)
	List(ctx context.Context, region string) ([]Partnership, error)
}

// SetPartnership creates or replaces a partnership (a buyer, coordinator or administrator).
func (s *Service) SetPartnership(ctx context.Context, p auth.Principal, in PartnershipInput) (*Partnership, error) {
	var v rules.Checker
	v.Check(len(in.ID) >= 2 && len(in.ID) <= 60 && strings.Trim(in.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") == "", "id", "lower-case letters, digits and dashes (2 to 60)")
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required")
	v.Check(len(in.Schemes)+len(in.Budgets)+len(in.Projects) > 0, "schemes", "name the schemes, budgets or projects of the partnership")
	for _, b := range in.Budgets {
		v.Check(b.BudgetID != "" && strings.TrimSpace(b.Source) != "", "budgets", "each budget needs its id and financing source")
	}
	noPersonalData(&v, map[string][]string{"id": {in.ID}, "name": {in.Name}, "schemes": in.Schemes, "projects": in.Projects, "budgets": budgetTexts(in.Budgets)})
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := Partnership{ID: in.ID, Region: s.region, Name: strings.TrimSpace(in.Name), Schemes: in.Schemes, Budgets: in.Budgets, Projects: in.Projects,
		CreatedBy: p.Actor().Subject, CreatedAt: s.now().UTC()}
	return &out, s.Partnerships.Save(ctx, out)
}

// ListPartnerships lists the region's partnerships.
func (s *Service) ListPartnerships(ctx context.Context) ([]Partnership, error) {
	return s.Partnerships.List(ctx, s.region)
}

var benefits = []string{"ww", "wajong", "wia_wao", "participatiewet", "doelgroepregister"}

// PartnershipReport reads what the partnership's own schemes, budgets and projects hold:
// its cost follows the partnership, not the region's history.
func (s *Service) PartnershipReport(ctx context.Context, id string) (*PartnershipReport, error) {
	pa, err := s.Partnerships.Load(ctx, s.region, id)
	if err != nil {
		return nil, err
	}
	r := &PartnershipReport{Partnership: *pa, Costs: Costs{BySource: map[string]SourceCost{}}}
	for _, pid := range pa.Projects {
		pr, err := s.Repo.LoadProject(ctx, pid)
		if notFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		r.Employers.SroiApprovedCents += pr.Figures.ApprovedCents
		r.Employers.SroiObligationCents += pr.ObligationCents()
		r.Education.BBLBOLApprovedCents += pr.Figures.ApprovedByType[string(domain.CandidateBBL)] + pr.Figures.ApprovedByType[string(domain.CandidateBOL)]
	}
	placements, err := s.Placements.OfSchemes(ctx, s.region, pa.Schemes)
	if err != nil {
		return nil, err
	}
	today := s.today()
	for _, pl := range placements {
		r.Impact.Placed++
		r.Employers.Placements++
		if slices.ContainsFunc(pl.TargetGroups, func(g string) bool { return slices.Contains(benefits, g) }) {
			r.Government.PlacementsFromBenefit++
		}
		if pl.ContractType == "bbl" {
			r.Education.BBLPlacements++
		}
		if pl.Sustainable {
			r.Impact.After6Months++
			if !pl.StartDate.AddMonths(12).After(today) && (pl.EndDate.IsZero() || pl.EndDate.After(pl.StartDate.AddMonths(12))) {
				r.Impact.After12Months++
			}
		}
	}
	ids := make([]string, len(pa.Budgets))
	source := map[string]string{}
	for i, b := range pa.Budgets {
		ids[i], source[b.BudgetID] = b.BudgetID, b.Source
	}
	sums, err := s.Tranches.Sum(ctx, ids)
	if err != nil {
		return nil, err
	}
	for budget, byStatus := range sums {
		sc := r.Costs.BySource[source[budget]]
		for status, cents := range byStatus {
			switch status {
			case "paid":
				sc.PaidCents += cents
			case "approved", "payable", "exported":
				sc.OwedCents += cents
			}
		}
		r.Costs.BySource[source[budget]] = sc
		r.Costs.PaidCents += sc.PaidCents
		r.Costs.OwedCents += sc.OwedCents
	}
	return r, nil
}

// KeepTranche follows payments' tranches (the newest version of each counts).
func (s *Service) KeepTranche(ctx context.Context, t TrancheCost) error {
	return s.Tranches.Keep(ctx, t)
}

// WithdrawSustainable follows a withdrawn sustainable placement.
func (s *Service) WithdrawSustainable(ctx context.Context, enrolmentID string) error {
	return s.Placements.Unsustainable(ctx, enrolmentID)
}

func budgetTexts(bs []Financing) []string {
	out := make([]string, 0, 2*len(bs))
	for _, b := range bs {
		out = append(out, b.BudgetID, b.Source)
	}
	return out
}

// noPersonalData refuses a BSN in fields where personal data does not belong (names, ids,
// free text): they are stored and shown to everyone who reads the resource.
func noPersonalData(v *rules.Checker, fields map[string][]string) {
	for field, values := range fields {
		for _, s := range values {
			v.Check(!privacy.HoldsBSN(s), field, "must not hold a BSN: personal data does not belong here")
		}
	}
}
