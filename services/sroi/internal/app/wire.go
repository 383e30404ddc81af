package app

import (
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// This service's own events in the contracts' types, both ways: it publishes them and
// follows them (its totals, its project figures, the claims of every region).

func projectWire(p ProjectData) events.SROIProject {
	byType, byQuarter := map[string]int64{}, map[string]int64{}
	for k, v := range p.ApprovedByType {
		byType[k] = int64(v)
	}
	for k, v := range p.ApprovedByQuarter {
		byQuarter[k] = int64(v)
	}
	return events.SROIProject{ProjectID: p.ProjectID, Version: p.Version, Region: p.Region, TenderID: p.TenderID, Title: p.Title, Buyer: p.Buyer,
		ContractorKvK: p.ContractorKvK, ContractorName: p.ContractorName, AwardedOn: p.AwardedOn, Deadline: p.Deadline, Table: p.Table,
		ObligationCents: int64(p.ObligationCents), Rule: p.Rule, Overridden: p.Overridden, Status: events.SROIProjectStatus(p.Status), Reason: p.Reason,
		DeclaredCents: int64(p.DeclaredCents), ApprovedCents: int64(p.ApprovedCents), ForecastCents: int64(p.ForecastCents),
		ApprovedByType: byType, ApprovedByQuarter: byQuarter, At: p.At}
}

// ProjectOf is a project as its event carries it.
func ProjectOf(e events.SROIProject) ProjectData {
	byType, byQuarter := map[string]domain.Cents{}, map[string]domain.Cents{}
	for k, v := range e.ApprovedByType {
		byType[k] = domain.Cents(v)
	}
	for k, v := range e.ApprovedByQuarter {
		byQuarter[k] = domain.Cents(v)
	}
	return ProjectData{ProjectID: e.ProjectID, Version: e.Version, Region: e.Region, TenderID: e.TenderID, Title: e.Title, Buyer: e.Buyer,
		ContractorKvK: e.ContractorKvK, ContractorName: e.ContractorName, AwardedOn: e.AwardedOn, Deadline: e.Deadline, Table: e.Table,
		ObligationCents: domain.Cents(e.ObligationCents), Rule: e.Rule, Overridden: e.Overridden, Status: domain.ProjectStatus(e.Status), Reason: e.Reason,
		DeclaredCents: domain.Cents(e.DeclaredCents), ApprovedCents: domain.Cents(e.ApprovedCents), ForecastCents: domain.Cents(e.ForecastCents),
		ApprovedByType: byType, ApprovedByQuarter: byQuarter, At: e.At}
}

func declarationWire(d DeclarationData) events.SROIDeclaration {
	planned := int64(d.PlannedCents)
	e := events.SROIDeclaration{DeclarationID: d.DeclarationID, Version: d.Version, Region: d.Region, ProjectID: d.ProjectID, ContractorKvK: d.ContractorKvK,
		Kind: events.SROIDeclarationKind(d.Kind), Type: d.Type, Status: events.SROIDeclarationStatus(d.Status), ValueCents: int64(d.ValueCents),
		PlannedCents: &planned, Months: d.Months, Table: d.Table, Reason: optional.Of(d.Reason), At: d.At}
	if d.Source != "" {
		source := events.SROIDeclarationSource(d.Source)
		e.Source = &source
	}
	if d.DeltaCents != 0 {
		delta := int64(d.DeltaCents)
		e.DeltaCents = &delta
	}
	if d.PlannedDeltaCents != 0 {
		delta := int64(d.PlannedDeltaCents)
		e.PlannedDeltaCents = &delta
	}
	return e
}

// DeclarationOf is a declaration as its event carries it.
func DeclarationOf(e events.SROIDeclaration) DeclarationData {
	d := DeclarationData{DeclarationID: e.DeclarationID, Version: e.Version, Region: e.Region, ProjectID: e.ProjectID, ContractorKvK: e.ContractorKvK,
		Kind: string(e.Kind), Type: e.Type, Status: domain.DeclarationStatus(e.Status), ValueCents: domain.Cents(e.ValueCents), Months: e.Months,
		Table: e.Table, At: e.At}
	if e.Source != nil {
		d.Source = string(*e.Source)
	}
	if e.PlannedCents != nil {
		d.PlannedCents = domain.Cents(*e.PlannedCents)
	}
	if e.DeltaCents != nil {
		d.DeltaCents = domain.Cents(*e.DeltaCents)
	}
	if e.PlannedDeltaCents != nil {
		d.PlannedDeltaCents = domain.Cents(*e.PlannedDeltaCents)
	}
	d.Reason = optional.Value(e.Reason)
	return d
}

// ClaimWire is a claim as it travels on the topic every region shares.
func ClaimWire(c MonthsClaim) events.MonthsClaim {
	e := events.MonthsClaim{Person: c.Person, Region: c.Region, ProjectID: c.ProjectID, DeclarationID: c.DeclarationID, Months: c.Months,
		MaxMonths: c.MaxMonths, At: c.At, KeyFingerprint: optional.Of(c.KeyFingerprint)}
	if c.Kind != "" {
		kind := events.MonthsClaimKind(c.Kind)
		e.Kind = &kind
	}
	return e
}

// ClaimOf is a claim as it came off the shared topic.
func ClaimOf(e events.MonthsClaim) MonthsClaim {
	c := MonthsClaim{Person: e.Person, Region: e.Region, ProjectID: e.ProjectID, DeclarationID: e.DeclarationID, Months: e.Months,
		MaxMonths: e.MaxMonths, At: e.At}
	if e.Kind != nil {
		c.Kind = string(*e.Kind)
	}
	c.KeyFingerprint = optional.Value(e.KeyFingerprint)
	return c
}

// NotificationOf is a notification as its event asks for it.
func NotificationOf(e events.NotificationRequested) Notification {
	to := make([]string, len(e.To))
	for i, party := range e.To {
		to[i] = string(party)
	}
	return Notification{Cause: e.Cause, Region: e.Region, ProjectID: e.ProjectID, To: to, Subject: e.Subject, Body: e.Body, At: e.At,
		Title: messageOf(optional.Value(e.Title)), Paragraphs: convert.Each(e.Paragraphs, messageOf), Link: optional.Value(e.Link)}
}
