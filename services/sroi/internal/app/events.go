package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// ProjectData is a project as its events carry it: its obligation, deadline, status and
// figures, without the parties' contact details.
type ProjectData struct {
	ProjectID       string               `json:"projectId"`
	Version         int                  `json:"version"`
	Region          string               `json:"region"`
	TenderID        string               `json:"tenderId"`
	Title           string               `json:"title"`
	Buyer           string               `json:"buyer"`
	ContractorKvK   string               `json:"contractorKvk"`
	ContractorName  string               `json:"contractorName"`
	AwardedOn       civil.Date           `json:"awardedOn"`
	Deadline        civil.Date           `json:"deadline"`
	Table           string               `json:"table"`
	ObligationCents domain.Cents         `json:"obligationCents"`
	Rule            string               `json:"rule"`
	Overridden      bool                 `json:"overridden"`
	Status          domain.ProjectStatus `json:"status"`
	Reason          string               `json:"reason"`
	DeclaredCents   domain.Cents         `json:"declaredCents"`
	ApprovedCents   domain.Cents         `json:"approvedCents"`
	ForecastCents   domain.Cents         `json:"forecastCents"`
	// ApprovedByType and ApprovedByQuarter feed the totals' breakdowns.
	ApprovedByType    map[string]domain.Cents `json:"approvedByType"`
	ApprovedByQuarter map[string]domain.Cents `json:"approvedByQuarter"`
	At                time.Time               `json:"at"`
}

func projectData(p *domain.Project, version int) ProjectData {
	rule := p.Computed.Rule
	if p.Override != nil {
		rule = "set by the buyer: " + p.Override.Reason
	}
	byType, byQuarter := p.Figures.ApprovedByType, p.Figures.ApprovedByQuarter
	if byType == nil {
		byType, byQuarter = map[string]domain.Cents{}, map[string]domain.Cents{}
	}
	return ProjectData{ProjectID: p.ID, Version: version, Region: p.Region, TenderID: p.TenderID, Title: p.Title, Buyer: p.Buyer,
		ContractorKvK: p.ContractorKvK, ContractorName: p.ContractorName, AwardedOn: p.AwardedOn, Deadline: p.Deadline, Table: p.Table,
		ObligationCents: p.ObligationCents(), Rule: rule, Overridden: p.Override != nil, Status: p.Progress.Status, Reason: p.Progress.Reason,
		DeclaredCents: p.Figures.DeclaredCents, ApprovedCents: p.Figures.ApprovedCents, ForecastCents: p.Progress.ForecastCents,
		ApprovedByType: byType, ApprovedByQuarter: byQuarter, At: p.UpdatedAt}
}

// projectEvent is the event of a project's change; the version is the one the save makes.
func projectEvent(typ string, p *domain.Project) commit.Event {
	return commit.Event{Type: typ, Key: p.ID, Subject: p.ID, Data: projectData(p, p.CurrentVersion()+1)}
}

// DeclarationData is a declaration as its events carry it: no person, no documents.
type DeclarationData struct {
	DeclarationID string                   `json:"declarationId"`
	Version       int                      `json:"version"`
	Region        string                   `json:"region"`
	ProjectID     string                   `json:"projectId"`
	ContractorKvK string                   `json:"contractorKvk"`
	Kind          string                   `json:"kind"`
	Type          string                   `json:"type"`
	Source        string                   `json:"source,omitempty"`
	Status        domain.DeclarationStatus `json:"status"`
	ValueCents    domain.Cents             `json:"valueCents"`
	// PlannedCents: what its planned months will be worth; DeltaCents and
	// PlannedDeltaCents: what months counted later changed (months-counted).
	PlannedCents      domain.Cents `json:"plannedCents"`
	DeltaCents        domain.Cents `json:"deltaCents,omitempty"`
	PlannedDeltaCents domain.Cents `json:"plannedDeltaCents,omitempty"`
	Months            int          `json:"months"`
	Table             string       `json:"table"`
	Reason            string       `json:"reason,omitempty"`
	At                time.Time    `json:"at"`
}

func declarationEvent(typ string, d *domain.Declaration) commit.Event {
	return commit.Event{Type: typ, Key: d.ProjectID, Subject: d.ID, Data: DeclarationData{
		DeclarationID: d.ID, Version: d.CurrentVersion() + 1, Region: d.Region, ProjectID: d.ProjectID, ContractorKvK: d.ContractorKvK,
		Kind: d.Kind, Type: d.TypeLabel(), Source: d.Source, Status: d.Status, ValueCents: d.Value.Cents, PlannedCents: d.PlannedCents, Months: len(d.Counted),
		Table: d.Value.Table, Reason: d.Reason, At: d.UpdatedAt}}
}

// MonthsClaim is a declaration's claim on the topic all regions share, keyed by what is
// claimed so every claim on it has one order: a candidate's months (by the person's
// pseudonym), a purchase's invoice (by its supplier and number), a person's week of hours.
// It names the pseudonym key it was made with by its fingerprint.
type MonthsClaim struct {
	Kind           string    `json:"kind,omitempty"` // candidate (the default), purchase, hours
	KeyFingerprint string    `json:"keyFingerprint,omitempty"`
	Person         string    `json:"person"`
	Region         string    `json:"region"`
	ProjectID      string    `json:"projectId"`
	DeclarationID  string    `json:"declarationId"`
	Months         []string  `json:"months"`
	MaxMonths      int       `json:"maxMonths"`
	At             time.Time `json:"at"`
}

// Owner names the declaration across regions.
func (c MonthsClaim) Owner() string { return c.Region + "/" + c.DeclarationID }

// ProjectKey names the project across regions.
func (c MonthsClaim) ProjectKey() string { return c.Region + "/" + c.ProjectID }

func claimEvent(typ string, c MonthsClaim) commit.Event {
	return commit.Event{Type: typ, Key: c.Person, Subject: c.DeclarationID, Data: c}
}

// Notification is one message to a project's parties, sent once per cause.
type Notification struct {
	Cause     string    `json:"cause"`
	Region    string    `json:"region"`
	ProjectID string    `json:"projectId"`
	To        []string  `json:"to"` // the parties: contractor, buyer, werkplein
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
	// kept by the notifications store
	Status   string    `json:"status,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	RetryAt  time.Time `json:"retryAt,omitzero"`
	SentAt   time.Time `json:"sentAt,omitzero"`
	Error    string    `json:"error,omitempty"`
}

func notificationEvent(n Notification) commit.Event {
	return commit.Event{Type: catalog.TypeNotificationRequested, Key: n.ProjectID, Subject: n.Cause, Data: n}
}

func actorOf(p auth.Principal) commit.Actor { return p.Actor() }
