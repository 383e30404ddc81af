package domain

import "github.com/werkregio/platform/services/kit/civil"

// PublishedPolicies are the social-return policies in use that the platform ships with; a
// region names its own with SROI_POLICY. Each version says where it comes from.
var PublishedPolicies = map[string][]Policy{
	// Rijk: 5% for works and services above EUR 250,000 lasting at least six months.
	"rijk": {{Region: "rijk", Version: 1, EffectiveFrom: civil.NewDate(2015, 1, 1), ThresholdCents: 25_000_000, MinMonths: 6,
		BasisPoints: 500, ContractTypes: []string{"works", "services"}, DefaultMonths: 24,
		Source: "Rijksoverheid, social return bij rijksaanbestedingen (as summarised in the platform's domain notes)"}},
	// Lekstroom: 5% above EUR 100,000.
	"lekstroom": {{Region: "lekstroom", Version: 1, EffectiveFrom: civil.NewDate(2015, 1, 1), ThresholdCents: 10_000_000,
		BasisPoints: 500, DefaultMonths: 24, Source: "Gemeenten Lekstroom, social return beleid (as summarised in the platform's domain notes)"}},
	// Súdwest-Fryslân: at least 2%, capped at EUR 300,000.
	"sudwest-fryslan": {{Region: "sudwest-fryslan", Version: 1, EffectiveFrom: civil.NewDate(2015, 1, 1), ThresholdCents: 25_000_000,
		BasisPoints: 200, CapCents: 30_000_000, DefaultMonths: 24,
		Source: "Gemeente Súdwest-Fryslân, social return (as summarised in the platform's domain notes)"}},
}
