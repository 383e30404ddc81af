// Package catalog is the platform in one list: its services, the topics each owns and
// reads, how long each topic keeps its messages, and the CloudEvents types on them. It has no
// dependencies, so the services, devstack, the operator, the charts' tests and e2e all read
// the same list. contracts/asyncapi.yaml documents the same topics; a test keeps them equal.
package catalog

import (
	"strconv"
	"time"
)

// Topic names without the region's prefix (KAFKA_TOPIC_PREFIX).
const (
	TopicProcurementSchemes      = "procurement.schemes.v1"
	TopicProcurementApplications = "procurement.applications.v1"
	TopicProcurementContracts    = "procurement.contracts.v1"
	TopicProcurementTenders      = "procurement.tenders.v1"

	TopicProvidersRegistry = "providers.registry.v1"
	TopicProvidersOffers   = "providers.offers.v1"

	TopicParticipantsEnrolments = "participants.enrolments.v1"

	TopicPaymentsTranches = "payments.tranches.v1"

	TopicSroiProjects      = "sroi.projects.v1"
	TopicSroiDeclarations  = "sroi.declarations.v1"
	TopicSroiNotifications = "sroi.notifications.v1"
	// TopicSroiCandidateMonths is shared by every region's instance (Shared): the claims of
	// candidate-months under a keyed pseudonym of the person, in one order per person, so a
	// month counts once across all projects of all regions.
	TopicSroiCandidateMonths = "sroi.candidate-months.v1"

	// Partner topics: providers' learning systems, employers, UWV and municipal case systems
	// publish here; the platform consumes and dead-letters what it cannot accept.
	TopicPartnersAttendance = "partners.attendance.v1"
	TopicPartnersPlacements = "partners.placements.v1"
)

// CloudEvents types that cross service boundaries. Each has a schema in contracts/events.
const (
	TypeSchemePublished     = "nl.werkregio.procurement.scheme.published.v1"
	TypeSchemeClosed        = "nl.werkregio.procurement.scheme.closed.v1"
	TypeProductTermsChanged = "nl.werkregio.procurement.product.terms-changed.v1"
	TypeApplicationRejected = "nl.werkregio.procurement.application.rejected.v1"
	TypeContractAwarded     = "nl.werkregio.procurement.contract.awarded.v1"
	// TypeContractExtended: a contracted provider was admitted to a product the scheme
	// added; the event is the whole contract as it is now.
	TypeContractExtended  = "nl.werkregio.procurement.contract.extended.v1"
	TypeContractSuspended = "nl.werkregio.procurement.contract.suspended.v1"
	TypeContractResumed   = "nl.werkregio.procurement.contract.resumed.v1"
	TypeContractEnded     = "nl.werkregio.procurement.contract.ended.v1"
	TypeTenderAnnounced   = "nl.werkregio.procurement.tender.announced.v1"
	TypeTenderAwarded     = "nl.werkregio.procurement.tender.awarded.v1"
	TypeTenderCancelled   = "nl.werkregio.procurement.tender.cancelled.v1"

	TypeCertificatesChanged = "nl.werkregio.providers.provider.certificates-changed.v1"
	TypeOfferChanged        = "nl.werkregio.providers.offer.changed.v1"
	// TypeBankAccountChanged: a provider registered a bank account, or finance confirmed it
	// (only a confirmed account is paid to).
	TypeBankAccountChanged = "nl.werkregio.providers.provider.bank-account-changed.v1"

	TypeEnrolmentEnrolled          = "nl.werkregio.participants.enrolment.enrolled.v1"
	TypeEnrolmentStarted           = "nl.werkregio.participants.enrolment.started.v1"
	TypeEnrolmentCompleted         = "nl.werkregio.participants.enrolment.completed.v1"
	TypeEnrolmentPlaced            = "nl.werkregio.participants.enrolment.placed.v1"
	TypeEnrolmentSustainablyPlaced = "nl.werkregio.participants.enrolment.sustainably-placed.v1"
	TypeEnrolmentDroppedOut        = "nl.werkregio.participants.enrolment.dropped-out.v1"
	// TypeEnrolmentSustainableWithdrawn: a correction of the jobs means a sustainable
	// placement no longer holds; payments claims its tranche back.
	TypeEnrolmentSustainableWithdrawn = "nl.werkregio.participants.enrolment.sustainable-placement-withdrawn.v1"
	// TypeEnrolmentTermsChanged: an enrolment not yet started follows the terms and price
	// that will apply on its start day (payments corrects its commitments).
	TypeEnrolmentTermsChanged = "nl.werkregio.participants.enrolment.terms-changed.v1"

	// A tranche's way from milestone to the provider's bank account.
	TypeTrancheDue      = "nl.werkregio.payments.tranche.due.v1"
	TypeTrancheHeld     = "nl.werkregio.payments.tranche.held.v1"
	TypeTrancheReleased = "nl.werkregio.payments.tranche.released.v1"
	TypeTrancheApproved = "nl.werkregio.payments.tranche.approved.v1"
	TypeTrancheExported = "nl.werkregio.payments.tranche.exported.v1"
	TypeTranchePaid     = "nl.werkregio.payments.tranche.paid.v1"
	TypeTrancheRejected = "nl.werkregio.payments.tranche.rejected.v1"
	TypeTrancheReversed = "nl.werkregio.payments.tranche.reversed.v1"
	TypeTrancheClaimed  = "nl.werkregio.payments.tranche.claimed-back.v1"

	// A social-return project: the obligation an award created, its parties, its progress.
	TypeProjectObligationSet        = "nl.werkregio.sroi.project.obligation-set.v1"
	TypeProjectObligationOverridden = "nl.werkregio.sroi.project.obligation-overridden.v1"
	TypeProjectPartiesChanged       = "nl.werkregio.sroi.project.parties-changed.v1"
	TypeProjectProgressChanged      = "nl.werkregio.sroi.project.progress-changed.v1"
	// A contractor's declaration: valued with the table in force, approved or rejected.
	TypeDeclarationValued   = "nl.werkregio.sroi.declaration.valued.v1"
	TypeDeclarationApproved = "nl.werkregio.sroi.declaration.approved.v1"
	TypeDeclarationRejected = "nl.werkregio.sroi.declaration.rejected.v1"
	// TypeDeclarationExpired: not decided within the region's decision period; its claims are freed.
	TypeDeclarationExpired = "nl.werkregio.sroi.declaration.expired.v1"
	// TypeDeclarationMonthsCounted: planned months that have passed were claimed and count.
	TypeDeclarationMonthsCounted = "nl.werkregio.sroi.declaration.months-counted.v1"
	// A notification to a party of a project (an e-mail goes out once per cause).
	TypeNotificationRequested = "nl.werkregio.sroi.notification.requested.v1"
	// Candidate-months claimed for a declaration, and released when it is rejected.
	TypeCandidateMonthsClaimed  = "nl.werkregio.sroi.candidate-months.claimed.v1"
	TypeCandidateMonthsReleased = "nl.werkregio.sroi.candidate-months.released.v1"

	TypeAttendanceReported = "nl.werkregio.partners.attendance.reported.v1"
	TypePlacementConfirmed = "nl.werkregio.partners.placement.confirmed.v1"
)

// Forever is the retention of topics that new consumers rebuild their state from.
const Forever time.Duration = -1

// Topic is one topic of a region.
type Topic struct {
	Name string
	// Owner is the service that publishes it; "" for a partner topic.
	Owner string
	// Types are the events on it.
	Types []string
	// Compact keeps the newest message per key for ever: every message carries the whole
	// state of its key, so a new consumer catches up from the compacted topic.
	Compact bool
	// Retention is how long messages are kept (Forever: a log consumers rebuild from).
	Retention time.Duration
	// Shared: one topic for every region's instance, named with the shared prefix
	// (KAFKA_SHARED_TOPIC_PREFIX) instead of the region's.
	Shared bool
}

// DeadLetterRetention is how long a dead-letter topic keeps messages for someone to look
// at them and replay them.
const DeadLetterRetention = 30 * 24 * time.Hour

// Topics lists every topic of the platform. Retention is a decision per topic: the topics
// replicas rebuild from keep everything (their messages are few: schemes, contracts,
// tenders, milestones) or are compacted (each message the whole state of its key: offers,
// certificates); partner input is kept a month (the platform stores what it accepted).
var Topics = []Topic{
	{Name: TopicProcurementSchemes, Owner: Procurement, Retention: Forever,
		Types: []string{TypeSchemePublished, TypeSchemeClosed, TypeProductTermsChanged}},
	{Name: TopicProcurementApplications, Owner: Procurement, Retention: 365 * 24 * time.Hour,
		Types: []string{TypeApplicationRejected}},
	{Name: TopicProcurementContracts, Owner: Procurement, Retention: Forever,
		Types: []string{TypeContractAwarded, TypeContractExtended, TypeContractSuspended, TypeContractResumed, TypeContractEnded}},
	{Name: TopicProcurementTenders, Owner: Procurement, Retention: Forever,
		Types: []string{TypeTenderAnnounced, TypeTenderAwarded, TypeTenderCancelled}},
	{Name: TopicProvidersRegistry, Owner: Providers, Compact: true, Retention: Forever,
		Types: []string{TypeCertificatesChanged, TypeBankAccountChanged}},
	{Name: TopicProvidersOffers, Owner: Providers, Compact: true, Retention: Forever,
		Types: []string{TypeOfferChanged}},
	{Name: TopicParticipantsEnrolments, Owner: Participants, Retention: Forever,
		Types: []string{TypeEnrolmentEnrolled, TypeEnrolmentStarted, TypeEnrolmentCompleted, TypeEnrolmentPlaced,
			TypeEnrolmentSustainablyPlaced, TypeEnrolmentDroppedOut, TypeEnrolmentSustainableWithdrawn, TypeEnrolmentTermsChanged}},
	{Name: TopicPaymentsTranches, Owner: Payments, Retention: Forever,
		Types: []string{TypeTrancheDue, TypeTrancheHeld, TypeTrancheReleased, TypeTrancheApproved, TypeTrancheExported,
			TypeTranchePaid, TypeTrancheRejected, TypeTrancheReversed, TypeTrancheClaimed}},
	{Name: TopicSroiProjects, Owner: Sroi, Retention: Forever,
		Types: []string{TypeProjectObligationSet, TypeProjectObligationOverridden, TypeProjectPartiesChanged, TypeProjectProgressChanged}},
	{Name: TopicSroiDeclarations, Owner: Sroi, Retention: Forever,
		Types: []string{TypeDeclarationValued, TypeDeclarationApproved, TypeDeclarationRejected, TypeDeclarationExpired, TypeDeclarationMonthsCounted}},
	{Name: TopicSroiNotifications, Owner: Sroi, Retention: 365 * 24 * time.Hour, Types: []string{TypeNotificationRequested}},
	{Name: TopicSroiCandidateMonths, Owner: Sroi, Retention: Forever, Shared: true,
		Types: []string{TypeCandidateMonthsClaimed, TypeCandidateMonthsReleased}},
	{Name: TopicPartnersAttendance, Retention: 30 * 24 * time.Hour, Types: []string{TypeAttendanceReported}},
	{Name: TopicPartnersPlacements, Retention: 30 * 24 * time.Hour, Types: []string{TypePlacementConfirmed}},
}

// TopicNamed returns the catalog's entry of a topic (without prefix).
func TopicNamed(name string) (Topic, bool) {
	for _, t := range Topics {
		if t.Name == name {
			return t, true
		}
	}
	return Topic{}, false
}

// TopicOfType returns the topic an event type is published on.
func TopicOfType(eventType string) (string, bool) {
	for _, t := range Topics {
		for _, typ := range t.Types {
			if typ == eventType {
				return t.Name, true
			}
		}
	}
	return "", false
}

// RoutesOf is where a service publishes each event type it may: every type of every topic
// it owns, to that topic (without the region's prefix). The one routing of the platform: a
// type not in it has no topic, and the store refuses to save its event.
func RoutesOf(service string) map[string]string {
	out := map[string]string{}
	for _, t := range Topics {
		if t.Owner != service {
			continue
		}
		for _, typ := range t.Types {
			out[typ] = t.Name
		}
	}
	return out
}

// Service names: directory, binary, image, Kubernetes name, CloudEvents source.
const (
	Procurement  = "procurement"
	Providers    = "providers"
	Participants = "participants"
	Payments     = "payments"
	Sroi         = "sroi"
)

// Service is one service of a platform instance.
type Service struct {
	Name string
	// PortOffset: locally the service listens on the base port plus this.
	PortOffset int
	// Consumes are the topics it reads (it owns the topics whose Owner it is).
	Consumes []string
	// Built says the service exists in this version of the platform.
	Built bool
}

// Services lists the five services in the platform's order.
var Services = []Service{
	{Name: Procurement, PortOffset: 1, Built: true, Consumes: []string{TopicProvidersRegistry}},
	{Name: Providers, PortOffset: 2, Built: true, Consumes: []string{TopicProcurementContracts, TopicProcurementSchemes, TopicPaymentsTranches}},
	{Name: Participants, PortOffset: 3, Built: true, Consumes: []string{TopicProvidersOffers, TopicPartnersAttendance, TopicPartnersPlacements}},
	{Name: Payments, PortOffset: 4, Built: true, Consumes: []string{TopicParticipantsEnrolments, TopicProcurementContracts, TopicProvidersRegistry}},
	{Name: Sroi, PortOffset: 5, Built: true, Consumes: []string{TopicProcurementTenders, TopicParticipantsEnrolments, TopicPaymentsTranches}},
}

// ServiceNamed returns the catalog's entry of a service.
func ServiceNamed(name string) (Service, bool) {
	for _, s := range Services {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// Owns lists the topics a service publishes.
func (s Service) Owns() []string {
	var out []string
	for _, t := range Topics {
		if t.Owner == s.Name {
			out = append(out, t.Name)
		}
	}
	return out
}

// TopicsOf lists every topic a service publishes or reads: those it creates at start (with
// their dead-letter topics) when no operator did.
func (s Service) TopicsOf() []string {
	return append(s.Owns(), s.Consumes...)
}

// TopicNames lists every topic of the platform.
func TopicNames() []string {
	out := make([]string, len(Topics))
	for i, t := range Topics {
		out[i] = t.Name
	}
	return out
}

// Config is a topic's Kafka configuration as the AsyncAPI document states it.
func (t Topic) Config() map[string]string {
	c := map[string]string{"cleanup.policy": "delete", "retention.ms": "-1"}
	if t.Compact {
		c["cleanup.policy"] = "compact"
	}
	if t.Retention != Forever {
		c["retention.ms"] = strconv.FormatInt(t.Retention.Milliseconds(), 10)
	}
	return c
}

// DeadLetterConfig is the configuration of every dead-letter topic.
func DeadLetterConfig() map[string]string {
	return map[string]string{"cleanup.policy": "delete", "retention.ms": strconv.FormatInt(DeadLetterRetention.Milliseconds(), 10)}
}
