package app

import (
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// ProjectData is a project as its events carry it: its obligation, deadline, status and
// figures, without the parties' contact details.
type ProjectData struct {
	ProjectID       string
	Version         int
	Region          string
	TenderID        string
	Title           string
	Buyer           string
	ContractorKvK   string
	ContractorName  string
	AwardedOn       civil.Date
	Deadline        civil.Date
	Table           string
	ObligationCents domain.Cents
	Rule            string
	Overridden      bool
	Status          domain.ProjectStatus
	Reason          string
	DeclaredCents   domain.Cents
	ApprovedCents   domain.Cents
	ForecastCents   domain.Cents
	// ApprovedByType and ApprovedByQuarter feed the totals' breakdowns.
	ApprovedByType    map[string]domain.Cents
	ApprovedByQuarter map[string]domain.Cents
	At                time.Time
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
	return commit.Event{Type: typ, Key: p.ID, Subject: p.ID, Data: projectWire(projectData(p, p.CurrentVersion()+1))}
}

// DeclarationData is a declaration as its events carry it: no person, no documents.
type DeclarationData struct {
	DeclarationID string
	Version       int
	Region        string
	ProjectID     string
	ContractorKvK string
	Kind          string
	Type          string
	Source        string
	Status        domain.DeclarationStatus
	ValueCents    domain.Cents
	// PlannedCents: what its planned months will be worth; DeltaCents and
	// PlannedDeltaCents: what months counted later changed (months-counted).
	PlannedCents      domain.Cents
	DeltaCents        domain.Cents
	PlannedDeltaCents domain.Cents
	Months            int
	Table             string
	Reason            string
	At                time.Time
}

func declarationData(d *domain.Declaration) DeclarationData {
	return DeclarationData{DeclarationID: d.ID, Version: d.CurrentVersion() + 1, Region: d.Region, ProjectID: d.ProjectID, ContractorKvK: d.ContractorKvK,
		Kind: d.Kind, Type: d.TypeLabel(), Source: d.Source, Status: d.Status, ValueCents: d.Value.Cents, PlannedCents: d.PlannedCents, Months: len(d.Counted),
		Table: d.Value.Table, Reason: d.Reason, At: d.UpdatedAt}
}

func declarationEvent(typ string, d *domain.Declaration) commit.Event {
	return declarationEventSaying(typ, d, func(*DeclarationData) {})
}

// declarationEventSaying is a declaration's event with what it says beside the state
// (what counted months changed, what planned months will not come).
func declarationEventSaying(typ string, d *domain.Declaration, say func(*DeclarationData)) commit.Event {
	data := declarationData(d)
	say(&data)
	return commit.Event{Type: typ, Key: d.ProjectID, Subject: d.ID, Data: declarationWire(data)}
}

// MonthsClaim is a declaration's claim on the topic all regions share, keyed by what is
// claimed so every claim on it has one order: a candidate's months (by the person's
// pseudonym), a purchase's invoice (by its supplier and number), a person's week of hours.
// It names the pseudonym key it was made with by its fingerprint.
type MonthsClaim struct {
	Kind           string // candidate (the default), purchase, hours
	KeyFingerprint string
	Person         string
	Region         string
	ProjectID      string
	DeclarationID  string
	Months         []string
	MaxMonths      int
	At             time.Time
}

// Owner names the declaration across regions.
func (c MonthsClaim) Owner() string { return c.Region + "/" + c.DeclarationID }

// ProjectKey names the project across regions.
func (c MonthsClaim) ProjectKey() string { return c.Region + "/" + c.ProjectID }

func claimEvent(typ string, c MonthsClaim) commit.Event {
	return commit.Event{Type: typ, Key: c.Person, Subject: c.DeclarationID, Data: ClaimWire(c)}
}

// Notification is one message to a project's parties, sent once per cause.
type Notification struct {
	Cause     string
	Region    string
	ProjectID string
	To        []string // the parties: contractor, buyer, werkplein
	Subject   string   // in English, as the event carries it
	Body      string
	// Title and Paragraphs are the subject and the text as messages, which the e-mail says
	// in Dutch; Link opens the project in the portal.
	Title      messages.Message
	Paragraphs []messages.Message
	Link       string
	At         time.Time
	// kept by the notifications store, not published
	Status   string
	Attempts int
	RetryAt  time.Time
	SentAt   time.Time
	Error    string
}

func notificationEvent(n Notification) commit.Event {
	to := make([]events.NotificationRequestedTo, len(n.To))
	for i, party := range n.To {
		to[i] = events.NotificationRequestedTo(party)
	}
	return commit.Event{Type: catalog.TypeNotificationRequested, Key: n.ProjectID, Subject: n.Cause, Data: events.NotificationRequested{
		Cause: n.Cause, Region: n.Region, ProjectID: n.ProjectID, To: to, Subject: n.Subject, Body: n.Body, At: n.At,
		Title: convert.Pointer(&n.Title, messageWire), Paragraphs: convert.Each(n.Paragraphs, messageWire), Link: optional.Of(n.Link)}}
}

func messageWire(m messages.Message) events.Message {
	return events.Message{Rule: m.Code, Params: m.Params, Template: m.Template}
}

func messageOf(m events.Message) messages.Message {
	return messages.Message{Code: m.Rule, Params: m.Params, Template: m.Template}
}

func actorOf(p auth.Principal) commit.Actor { return p.Actor() }
