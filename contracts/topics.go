package contracts

// Topic names without the region's prefix (KAFKA_TOPIC_PREFIX). Each is a channel address
// in asyncapi.yaml; a test keeps the two in agreement.
const (
	TopicProcurementSchemes      = "procurement.schemes.v1"
	TopicProcurementApplications = "procurement.applications.v1"
	TopicProcurementContracts    = "procurement.contracts.v1"
	TopicProcurementTenders      = "procurement.tenders.v1"

	TopicProvidersRegistry = "providers.registry.v1"
	TopicProvidersOffers   = "providers.offers.v1"

	TopicParticipantsEnrolments = "participants.enrolments.v1"

	// Partner topics: providers' learning systems, employers, UWV and municipal case systems
	// publish here; the platform consumes and dead-letters what it cannot accept.
	TopicPartnersAttendance = "partners.attendance.v1"
	TopicPartnersPlacements = "partners.placements.v1"
)

// Topics lists every topic of the platform.
var Topics = []string{
	TopicProcurementSchemes, TopicProcurementApplications, TopicProcurementContracts, TopicProcurementTenders,
	TopicProvidersRegistry, TopicProvidersOffers,
	TopicParticipantsEnrolments,
	TopicPartnersAttendance, TopicPartnersPlacements,
}

// CloudEvents types that cross service boundaries. Each has a schema in events/.
const (
	TypeSchemePublished     = "nl.werkregio.procurement.scheme.published.v1"
	TypeProductTermsChanged = "nl.werkregio.procurement.product.terms-changed.v1"
	TypeContractAwarded     = "nl.werkregio.procurement.contract.awarded.v1"
	TypeContractSuspended   = "nl.werkregio.procurement.contract.suspended.v1"
	TypeContractResumed     = "nl.werkregio.procurement.contract.resumed.v1"
	TypeContractEnded       = "nl.werkregio.procurement.contract.ended.v1"

	TypeCertificatesChanged = "nl.werkregio.providers.provider.certificates-changed.v1"
	TypeOfferChanged        = "nl.werkregio.providers.offer.changed.v1"

	TypeEnrolmentEnrolled          = "nl.werkregio.participants.enrolment.enrolled.v1"
	TypeEnrolmentStarted           = "nl.werkregio.participants.enrolment.started.v1"
	TypeEnrolmentCompleted         = "nl.werkregio.participants.enrolment.completed.v1"
	TypeEnrolmentPlaced            = "nl.werkregio.participants.enrolment.placed.v1"
	TypeEnrolmentSustainablyPlaced = "nl.werkregio.participants.enrolment.sustainably-placed.v1"
	TypeEnrolmentDroppedOut        = "nl.werkregio.participants.enrolment.dropped-out.v1"

	TypeAttendanceReported = "nl.werkregio.partners.attendance.reported.v1"
	TypePlacementConfirmed = "nl.werkregio.partners.placement.confirmed.v1"
)
