package service_test

import (
	"testing"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/procurement/service"
)

var (
	everyone  = auth.AllRoles
	buyers    = []auth.Role{auth.RoleBuyer, auth.RoleAdmin}
	buyerOrg  = []auth.Role{auth.RoleBuyer}
	admission = []auth.Role{auth.RoleBuyer, auth.RoleProvider, auth.RoleAdmin, auth.RoleCoordinator, auth.RoleFinance}
	provider  = []auth.Role{auth.RoleProvider}
)

// procurementAccess is who may do what: every operation of the document has a rule. A
// published scheme and the tender calendar are public information within the region;
// admissions are the provider's own, seen by the region's buyers and oversight; a scheme,
// contract or tender is changed by its own buyer (or an administrator).
var procurementAccess = map[string]kittest.Rule{
	"listSchemes":        {Roles: everyone},
	"createScheme":       {Roles: buyers},
	"getScheme":          {Roles: everyone},
	"schemeAudit":        {Roles: everyone},
	"editScheme":         {Roles: buyers, OwnOrg: buyerOrg},
	"publishScheme":      {Roles: buyers, OwnOrg: buyerOrg},
	"closeScheme":        {Roles: buyers, OwnOrg: buyerOrg},
	"addProduct":         {Roles: buyers, OwnOrg: buyerOrg},
	"changeTerms":        {Roles: buyers, OwnOrg: buyerOrg},
	"apply":              {Roles: provider},
	"listApplications":   {Roles: admission, OwnOrg: provider},
	"getApplication":     {Roles: admission, OwnOrg: provider},
	"listContracts":      {Roles: admission, OwnOrg: provider},
	"getContract":        {Roles: admission, OwnOrg: provider},
	"contractAudit":      {Roles: admission, OwnOrg: provider},
	"suspendContract":    {Roles: buyers, OwnOrg: buyerOrg},
	"resumeContract":     {Roles: buyers, OwnOrg: buyerOrg},
	"endContract":        {Roles: buyers, OwnOrg: buyerOrg},
	"withdrawContract":   {Roles: provider, OwnOrg: provider},
	"decideApplication":  {Roles: buyers, OwnOrg: buyerOrg},
	"listTenders":        {Roles: everyone},
	"announceTender":     {Roles: buyers},
	"getTender":          {Roles: everyone},
	"tenderAudit":        {Roles: everyone},
	"updateTender":       {Roles: buyers, OwnOrg: buyerOrg},
	"awardTender":        {Roles: buyers, OwnOrg: buyerOrg},
	"cancelTender":       {Roles: buyers, OwnOrg: buyerOrg},
	"tenderCalendar":     {Roles: everyone},
	"tenderCalendarFeed": {Public: true},
}

// Every role, of this region and another, of the resource's organisation and another, on
// every operation of the document.
func TestAccessMatrixOfEveryRoleRegionOrganisationAndRoute(t *testing.T) {
	r := start(t)
	buyer := r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer)
	prov := r.token(t, "groningen", "12345678", auth.RoleProvider)
	schemeID, productID := r.openScheme(t, buyer)
	var res struct {
		Application struct{ ID string }
		Contract    struct{ ID string }
	}
	expect(t, "apply", r.call(t, prov, "POST", "/api/v1/schemes/"+schemeID+"/applications", application(productID, 90000, day(300)), &res), 201)
	var tender struct{ ID string }
	expect(t, "announce", r.call(t, buyer, "POST", "/api/v1/tenders", obj{"title": "Brede school", "sector": "bouw", "expectedPublication": day(30),
		"estimatedValueCents": 640000000, "sroiBasisPoints": 500}, &tender), 201)
	raw, _ := contracts.OpenAPI(service.Name)
	r.pf.CheckAccessMatrix(t, r.Running, raw, contracts.OpenAPIFiles(), kittest.Matrix{
		Rules: procurementAccess,
		Params: map[string]string{"schemeId": schemeID, "productId": productID, "applicationId": res.Application.ID, "contractId": res.Contract.ID,
			"tenderId": tender.ID, "kind": "scheme", "region": "groningen"},
		Hidden: []string{res.Application.ID, res.Contract.ID},
	})
}

// On every topic of the platform's own it reads, an event its owner did not sign is
// dead-lettered for its origin.
func TestForgedEventsAreRefusedOnEveryTopicItReads(t *testing.T) {
	r := start(t)
	r.pf.CheckForgedEventsAreRefused(t, r.Running)
}
