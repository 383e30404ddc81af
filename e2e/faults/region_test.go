package faults

import (
	"strconv"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/e2e/internal/proc"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/kittest"
)

// region is one region on the five services, with the people who work in it.
type region struct {
	procurement, providers, participants, payments, sroi *proc.Service

	buyer, provider, coach, finance, finance2, contractor, admin client

	scheme, product, contract, budget, project string
	locations                                  []string // where the offer starts today
}

const (
	providerKvK   = "12345678"
	contractorKvK = "34567890"
	lms           = "/lms/bouwschool-noord"
	debtorIBAN    = "NL91ABNA0417164300"
	priceCents    = 95_000
)

var trancheTerms = []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}}

// startRegion starts the five services on plat and sets a region up through their APIs:
// an Open House scheme with a product, a provider contracted to it with starts in its
// offer and a confirmed bank account, a budget, the provider's learning system trusted,
// and a tender awarded with a social-return obligation.
func startRegion(t *testing.T, plat *proc.Platform, seen *requests) *region {
	t.Helper()
	r := &region{
		procurement:  plat.Start(t, catalog.Procurement),
		providers:    plat.Start(t, catalog.Providers),
		participants: plat.Start(t, catalog.Participants, "BSN_ENCRYPTION_KEY="+kittest.RandomKey(32), "BSN_LOOKUP_KEY="+kittest.RandomKey(32)),
		payments: plat.Start(t, catalog.Payments, "PAYMENTS_DEBTOR_NAME=Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN="+debtorIBAN,
			"PAYMENTS_DEBTOR_TOWN=Groningen"),
		sroi: plat.Start(t, catalog.Sroi, "PERSON_PSEUDONYM_KEY="+kittest.RandomKey(32), "SROI_POLICY=rijk", "SROI_TABLES=utrecht",
			"SROI_PROGRESS_CHECK_INTERVAL=1s"),
	}
	person := func(s *proc.Service, subject, org string, role auth.Role) client {
		return client{t: t, s: s, token: s.Token(subject, org, role), seen: seen}
	}
	r.buyer = person(r.procurement, "buyer@faults", "gemeente-groningen", auth.RoleBuyer)
	r.provider = person(r.providers, "planner@"+providerKvK, providerKvK, auth.RoleProvider)
	r.coach = person(r.participants, "coach@faults", "gemeente-groningen", auth.RoleWorkCoach)
	r.finance = person(r.payments, "finance@faults", "gemeente-groningen", auth.RoleFinance)
	r.finance2 = person(r.payments, "finance2@faults", "gemeente-groningen", auth.RoleFinance)
	r.contractor = person(r.sroi, "sroi@"+contractorKvK, contractorKvK, auth.RoleContractor)
	r.admin = person(r.participants, "admin@faults", "regio-groningen", auth.RoleAdmin)
	must := func(what string, status, want int) {
		t.Helper()
		if status != want {
			t.Fatalf("%s: %d, want %d", what, status, want)
		}
	}

	must("learning system trusted", r.admin.post("/api/v1/partner-sources", "lms", obj{"source": lms, "role": "provider", "org": providerKvK,
		"name": "LMS Bouwschool Noord", "keys": kittest.PartnerKeys(lms)}, nil), 201)

	var scheme, product struct{ ID string }
	must("scheme", r.buyer.post("/api/v1/schemes", "scheme", obj{"reference": "OH-FAULTS", "title": "Bouw & Techniek", "sector": "bouw-en-techniek",
		"openFrom": kittest.Day(-30), "openUntil": kittest.Day(365)}, &scheme), 201)
	must("product", r.buyer.post("/api/v1/schemes/"+scheme.ID+"/products", "product", obj{"name": "Timmerman basis", "terms": obj{
		"maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{}, "tranches": trancheTerms}}, &product), 201)
	must("published", r.buyer.post("/api/v1/schemes/"+scheme.ID+"/publish", "publish", nil, nil), 200)
	r.scheme, r.product = scheme.ID, product.ID

	var budget struct{ ID string }
	must("budget", r.finance.post("/api/v1/budgets", "budget", obj{"name": "Faults", "source": "RIF", "from": kittest.Day(-30), "until": kittest.Day(365),
		"schemes": []string{r.scheme}, "amountCents": int64(100_000) * priceCents}, &budget), 201)
	r.budget = budget.ID

	must("provider registered", r.provider.post("/api/v1/providers", "register", obj{"kvk": providerKvK, "name": "Bouwschool Noord",
		"regions": []string{"groningen"}, "contact": obj{"name": "A. Planner", "email": "planning@bouwschool.nl"}}, nil), 201)
	must("bank account", r.provider.put("/api/v1/providers/"+providerKvK+"/bank-account", "/api/v1/providers/"+providerKvK, obj{
		"accountHolder": "Bouwschool Noord B.V.", "iban": debtorIBAN,
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12", "postCode": "9711 AB", "town": "Groningen", "country": "NL"}}), 200)
	must("bank account confirmed", r.finance.as(r.providers).post("/api/v1/providers/"+providerKvK+"/bank-account/confirmation", "confirm",
		obj{"revision": 1}, nil), 200)

	var applied struct{ Contract struct{ ID string } }
	must("application", r.provider.as(r.procurement).post("/api/v1/schemes/"+r.scheme+"/applications", "apply", application("Bouwschool Noord", r.product), &applied), 201)
	r.contract = applied.Contract.ID
	kittest.Eventually(t, "the offer of the contract", time.Minute, func() bool {
		s, _, _ := r.provider.get("/api/v1/offers/"+r.contract, nil)
		return s == 200
	})
	// today's starts (the product's terms are in force from today), 500 seats in each place
	r.locations = []string{"Groningen", "Assen", "Emmen", "Veendam", "Delfzijl", "Winschoten", "Stadskanaal", "Hoogezand"}
	var starts []obj
	for _, l := range r.locations {
		starts = append(starts, obj{"date": kittest.Day(0), "location": l, "capacity": 500})
	}
	must("starts", r.provider.put("/api/v1/offers/"+r.contract+"/products/"+r.product, "/api/v1/offers/"+r.contract,
		obj{"locations": r.locations, "starts": starts}), 200)

	var tender struct{ ID string }
	must("tender", r.buyer.post("/api/v1/tenders", "sroi-tender", obj{"title": "Nieuwbouw brede school", "sector": "bouw",
		"expectedPublication": kittest.Day(-200), "estimatedValueCents": 1_000_000_000, "sroiBasisPoints": 500}, &tender), 201)
	must("award", r.buyer.post("/api/v1/tenders/"+tender.ID+"/award", "sroi-award", obj{"contractorKvk": contractorKvK,
		"contractorName": "Bouwbedrijf Noord B.V.", "contractValueExclVatCents": 1_000_000_000, "sroiBasisPoints": 500,
		"publicationDate": kittest.Day(-200), "awardedOn": kittest.Day(-100), "contractType": "works", "contractEnd": kittest.Day(600)}, nil), 200)
	r.project = "prj-" + tender.ID
	kittest.Eventually(t, "the project of the award", time.Minute, func() bool {
		s, _, _ := r.contractor.get("/api/v1/projects/"+r.project, nil)
		return s == 200
	})
	return r
}

func (r *region) services() []*proc.Service {
	return []*proc.Service{r.procurement, r.providers, r.participants, r.payments, r.sroi}
}

func application(name, product string) obj {
	return obj{"providerName": name, "acceptsConditions": true, "certificates": []obj{},
		"products": []obj{{"productId": product, "priceCents": priceCents, "plannedAttendanceHours": 280}}}
}

// validBSNs are n made-up BSNs that pass the 11-proef, from a number on.
func validBSNs(from, n int) []string {
	var out []string
	for i := from; len(out) < n; i += 7 {
		if b, ok := civil.NormalizeBSN(strconv.Itoa(i)); ok {
			out = append(out, b)
		}
	}
	return out
}
