// Package adapters connects the procurement application to MongoDB and Kafka.
package adapters

import "github.com/werkregio/platform/services/procurement/internal/app"

// Topic names without the region's prefix. Each is listed in contracts/asyncapi.yaml.
const (
	TopicSchemes      = "procurement.schemes.v1"
	TopicApplications = "procurement.applications.v1"
	TopicContracts    = "procurement.contracts.v1"
	TopicTenders      = "procurement.tenders.v1"
)

// Topics lists every topic this service publishes to.
var Topics = []string{TopicSchemes, TopicApplications, TopicContracts, TopicTenders}

// TopicOf routes an event type to its topic.
var TopicOf = map[string]string{
	app.TypeSchemePublished:     TopicSchemes,
	app.TypeSchemeClosed:        TopicSchemes,
	app.TypeProductTermsChanged: TopicSchemes,
	app.TypeApplicationRejected: TopicApplications,
	app.TypeContractAwarded:     TopicContracts,
	app.TypeContractSuspended:   TopicContracts,
	app.TypeContractResumed:     TopicContracts,
	app.TypeContractEnded:       TopicContracts,
	app.TypeTenderAnnounced:     TopicTenders,
	app.TypeTenderAwarded:       TopicTenders,
	app.TypeTenderCancelled:     TopicTenders,
}
