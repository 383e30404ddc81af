package ports

import (
	"slices"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/portal/internal/web"
)

var roleName = map[auth.Role]string{
	auth.RoleBuyer: "inkoper", auth.RoleProvider: "opleider", auth.RoleContractor: "opdrachtnemer",
	auth.RoleCoordinator: "coördinator werkplein", auth.RoleWorkCoach: "werkcoach", auth.RoleFinance: "financiën",
	auth.RoleAdmin: "beheerder", auth.RoleAdviser: "adviseur mobiliteitsteam",
}

func roleNames(roles []auth.Role) string {
	var names []string
	for _, r := range roles {
		names = append(names, roleName[r])
	}
	return strings.Join(names, ", ")
}

// navigation is the menu of the user's roles, the work of each role first.
func navigation(p auth.Principal) []web.Link {
	nav := []web.Link{{Label: "Start", Href: "/"}}
	add := func(l ...web.Link) {
		for _, x := range l {
			if !slices.Contains(nav, x) {
				nav = append(nav, x)
			}
		}
	}
	if p.Has(auth.RoleFinance) {
		add(web.Link{Label: "Termijnen", Href: "/financien/termijnen"}, web.Link{Label: "Budgetten", Href: "/financien/budgetten"},
			web.Link{Label: "Betaalruns", Href: "/financien/betaalruns"}, web.Link{Label: "Bankrekeningen", Href: "/financien/bankrekeningen"})
	}
	if p.Has(auth.RoleProvider) {
		add(web.Link{Label: "Aanbod", Href: "/aanbod"}, web.Link{Label: "Trajecten", Href: "/trajecten"}, web.Link{Label: "Betalingen", Href: "/betalingen"},
			web.Link{Label: "Organisatie", Href: "/organisatie"})
	}
	if p.Has(auth.RoleWorkCoach, auth.RoleCoordinator, auth.RoleAdmin) {
		add(web.Link{Label: "Deelnemers", Href: "/deelnemers"}, web.Link{Label: "Trajecten", Href: "/trajecten"}, web.Link{Label: "Resultaten", Href: "/resultaten"})
	}
	if p.Has(auth.RoleContractor) {
		add(web.Link{Label: "Mijn projecten", Href: "/sroi/projecten"})
	}
	if p.Has(auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin) {
		add(web.Link{Label: "Hulpvragen", Href: requestsPath})
	}
	if p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		add(web.Link{Label: "Regio", Href: "/regio"}, web.Link{Label: "Social return", Href: "/sroi/projecten"})
	}
	if p.Has(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin) {
		add(web.Link{Label: "Regelingen", Href: "/inkoop/regelingen"}, web.Link{Label: "Aanmeldingen", Href: "/inkoop/aanmeldingen"},
			web.Link{Label: "Contracten", Href: "/inkoop/contracten"}, web.Link{Label: "Aanbestedingen", Href: "/inkoop/aanbestedingen"},
			web.Link{Label: "Certificaten", Href: "/inkoop/certificaten"})
	}
	if p.Has(auth.RoleAdmin) {
		add(web.Link{Label: "Onverwerkte berichten", Href: "/beheer/berichten"}, web.Link{Label: "Geparkeerde gebeurtenissen", Href: "/beheer/geparkeerd"},
			web.Link{Label: "Beleid social return", Href: "/beheer/social-return-beleid"}, web.Link{Label: "Waardetabellen", Href: tablesPath})
	}
	return nav
}
