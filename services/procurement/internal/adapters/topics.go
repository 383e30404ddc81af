// Package adapters connects the procurement application to MongoDB and Kafka.
package adapters

import (
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/procurement/internal/app"
)

// TopicOf routes every event type this service publishes to its topic, as the catalog
// lists them.
var TopicOf = routes(app.TypeSchemePublished, app.TypeSchemeClosed, app.TypeProductTermsChanged, app.TypeApplicationRejected,
	app.TypeContractAwarded, app.TypeContractExtended, app.TypeContractSuspended, app.TypeContractResumed, app.TypeContractEnded,
	app.TypeTenderAnnounced, app.TypeTenderAwarded, app.TypeTenderCancelled)

func routes(types ...string) map[string]string {
	out := map[string]string{}
	for _, t := range types {
		topic, ok := catalog.TopicOfType(t)
		if !ok {
			panic("no topic in the catalog for " + t)
		}
		out[t] = topic
	}
	return out
}
