package ports

import (
	"encoding/json"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// The request bodies of the API (the contract's generated types), as the app and the domain
// take them.

func parties(in sroiapi.Parties) domain.Parties {
	contact := func(c sroiapi.Contact) domain.Contact {
		return domain.Contact{Name: optional.Value(c.Name), Email: optional.Value(c.Email)}
	}
	return domain.Parties{Buyer: contact(in.Buyer), Contractor: contact(in.Contractor), Werkplein: contact(in.Werkplein)}
}

func declareInput(in sroiapi.DeclareInput) app.DeclareInput {
	out := app.DeclareInput{Kind: string(in.Kind), BSN: optional.Value(in.BSN), EnrolmentID: optional.Value(in.EnrolmentID)}
	if in.Source != nil {
		out.Source = string(*in.Source)
	}
	if c := in.Candidate; c != nil {
		out.Candidate = &domain.CandidateInput{Candidate: domain.CandidateType(optional.Value(c.CandidateType)), HoursPerWeek: optional.Value(c.HoursPerWeek),
			From: optional.Value(c.From), Until: optional.Value(c.Until), ContractType: string(optional.Value(c.ContractType)), AgeBand: domain.AgeBand(optional.Value(c.AgeBand))}
		out.Candidate.Statushouder = optional.Value(c.Statushouder)
	}
	if c := in.Consent; c != nil {
		out.Consent = &domain.Consent{Given: c.Given, On: c.On, RecordedBy: c.RecordedBy}
	}
	if p := in.Purchase; p != nil {
		out.Purchase = &domain.PurchaseInput{InvoiceCents: p.InvoiceCents, Enterprise: optional.Value(p.Enterprise), Supplier: p.Supplier,
			SupplierKvK: p.SupplierKvK, InvoiceNumber: p.InvoiceNumber, InvoiceDate: p.InvoiceDate}
	}
	if h := in.Hours; h != nil {
		out.Hours = &domain.HoursInput{Hours: h.Hours, Activity: h.Activity, On: h.On}
	}
	return out
}

func tableInput(in sroiapi.TableInput) domain.Table {
	t := domain.Table{ID: in.ID, Name: in.Name, Version: in.Version, EffectiveFrom: in.EffectiveFrom, Source: in.Source,
		FullTimeHours: in.FullTimeHours, PurchaseBasisPoints: in.PurchaseBasisPoints}
	if in.YearlyCents != nil {
		t.Yearly = map[domain.CandidateType]domain.Cents{}
		for k, v := range in.YearlyCents {
			t.Yearly[domain.CandidateType(k)] = v
		}
	}
	if in.BonusCents != nil {
		t.Bonuses = map[domain.Bonus]domain.Cents{}
		for k, v := range in.BonusCents {
			t.Bonuses[domain.Bonus(k)] = v
		}
	}
	t.MaxMonths = optional.Value(in.MaxMonths)
	if in.MaxMonthsByType != nil {
		t.MaxMonthsByType = map[domain.CandidateType]int{}
		for k, v := range in.MaxMonthsByType {
			t.MaxMonthsByType[domain.CandidateType(k)] = v
		}
	}
	t.HourlyCents = optional.Value(in.HourlyCents)
	for _, e := range in.Examples {
		c := e.Contribution
		contribution := domain.Contribution{Kind: string(c.Kind), Candidate: domain.CandidateType(optional.Value(c.CandidateType)), HoursPerWeek: optional.Value(c.HoursPerWeek),
			Enterprise: optional.Value(c.Enterprise)}
		contribution.InvoiceCents = optional.Value(c.InvoiceCents)
		contribution.Hours = optional.Value(c.Hours)
		for _, b := range c.Bonuses {
			contribution.Bonuses = append(contribution.Bonuses, domain.Bonus(b))
		}
		t.Examples = append(t.Examples, domain.TableExample{Description: e.Description, Contribution: contribution, Months: e.Months, ExpectedCents: e.ExpectedCents})
	}
	return t
}

func policyInput(in sroiapi.PolicyInput) domain.Policy {
	p := domain.Policy{Version: in.Version, EffectiveFrom: in.EffectiveFrom, Source: in.Source, BasisPoints: in.BasisPoints, DefaultMonths: in.DefaultMonths}
	p.ThresholdCents = optional.Value(in.ThresholdCents)
	p.MinMonths = optional.Value(in.MinMonths)
	p.CapCents = optional.Value(in.CapCents)
	p.GraceMonths = optional.Value(in.GraceMonths)
	for _, t := range in.ContractTypes {
		p.ContractTypes = append(p.ContractTypes, string(t))
	}
	if in.Thresholds != nil {
		p.Thresholds = map[string]domain.Cents{}
		for k, v := range in.Thresholds {
			p.Thresholds[k] = domain.Cents(v)
		}
	}
	return p
}

func goalInput(in sroiapi.GoalInput) app.GoalInput {
	return app.GoalInput{ID: in.ID, Name: in.Name, Target: in.Target, From: in.From, Deadline: in.Deadline}
}

func partnershipInput(in sroiapi.PartnershipInput) app.PartnershipInput {
	out := app.PartnershipInput{ID: in.ID, Name: in.Name, Schemes: in.Schemes, Projects: in.Projects}
	for _, b := range in.Budgets {
		out.Budgets = append(out.Budgets, app.Financing{BudgetID: b.BudgetID, Source: b.Source})
	}
	return out
}

// PoliciesOf reads the region's own policy versions from its configuration (SROI_POLICIES):
// a JSON array of what POST /api/v1/policies takes.
func PoliciesOf(raw string) ([]domain.Policy, error) {
	var in []sroiapi.PolicyInput
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, err
	}
	return convert.Each(in, policyInput), nil
}

// TablesOf reads the region's own value tables from its configuration (SROI_VALUE_TABLES):
// a JSON array of what POST /api/v1/tables takes.
func TablesOf(raw string) ([]domain.Table, error) {
	var in []sroiapi.TableInput
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, err
	}
	return convert.Each(in, tableInput), nil
}
