package demo

import (
	"github.com/werkregio/platform/services/devstack/internal/oidcdev"
	"github.com/werkregio/platform/services/kit/auth"
)

// Users are the demo users of the local identity provider: one per role, each of an
// organisation the demo data has (so each sees its own part of it).
func Users(region string) []oidcdev.User {
	return []oidcdev.User{
		{ID: "inkoper@" + region, Name: "Ingrid Inkoper (gemeente)", Role: auth.RoleBuyer, Org: BuyerOrg},
		{ID: "opleider@" + region, Name: "Otto Opleider (Bouwopleiding Noord)", Role: auth.RoleProvider, Org: ProviderKvK},
		// a provider the region does not know yet: it registers itself through the portal
		{ID: "nieuwe-opleider@" + region, Name: "Nina Nieuw (Zorgacademie Oost)", Role: auth.RoleProvider, Org: NewProviderKvK},
		{ID: "opdrachtnemer@" + region, Name: "Olga Opdrachtnemer (Bouwbedrijf Eemsdelta)", Role: auth.RoleContractor, Org: "45678901"},
		{ID: "coordinator@" + region, Name: "Cor Coördinator (werkplein)", Role: auth.RoleCoordinator, Org: "werkplein-" + region},
		{ID: "werkcoach@" + region, Name: "Wendy Werkcoach (gemeente)", Role: auth.RoleWorkCoach, Org: BuyerOrg},
		{ID: "financien@" + region, Name: "Frits Financiën (gemeente)", Role: auth.RoleFinance, Org: BuyerOrg},
		// a second officer: above the four-eyes amount two different people approve
		{ID: "controller@" + region, Name: "Femke Financiën (controller, gemeente)", Role: auth.RoleFinance, Org: BuyerOrg},
		{ID: "beheerder@" + region, Name: "Bea Beheerder (regio)", Role: auth.RoleAdmin, Org: "regio-" + region},
		// an adviser of the regional mobility team, from the union
		{ID: "adviseur@" + region, Name: "Arend Adviseur (FNV, mobiliteitsteam)", Role: auth.RoleAdviser, Org: "fnv-noord"},
	}
}
