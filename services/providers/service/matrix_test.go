package service_test

import (
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/providers/service"
)

var (
	everyone    = auth.AllRoles
	editors     = []auth.Role{auth.RoleProvider, auth.RoleAdmin}
	ownProvider = []auth.Role{auth.RoleProvider}
)

// providersAccess is who may do what: every operation of the document has a rule. The
// registry and the offers are open to the region's roles; a provider sees and edits only
// itself.
var providersAccess = map[string]kittest.Rule{
	"listProviders":       {Roles: everyone, OwnOrg: ownProvider},
	"registerProvider":    {Roles: editors},
	"getProvider":         {Roles: everyone, OwnOrg: ownProvider},
	"updateProvider":      {Roles: editors, OwnOrg: ownProvider},
	"addCertificate":      {Roles: editors, OwnOrg: ownProvider},
	"removeCertificate":   {Roles: editors, OwnOrg: ownProvider},
	"verifyCertificate":   {Roles: []auth.Role{auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin}},
	"registerBankAccount": {Roles: editors, OwnOrg: ownProvider},
	"confirmBankAccount":  {Roles: []auth.Role{auth.RoleFinance}},
	"listOffers":          {Roles: everyone, OwnOrg: ownProvider},
	"getOffer":            {Roles: everyone, OwnOrg: ownProvider},
	"setProductOffer":     {Roles: editors, OwnOrg: ownProvider},
}

// Every role, of this region and another, of the resource's organisation and another, on
// every operation of the document.
func TestAccessMatrixOfEveryRoleRegionOrganisationAndRoute(t *testing.T) {
	c := &kittest.Clock{}
	pf, r := start(t, c)
	a := pf.Token(t, "12345678", auth.RoleProvider)
	expect(t, "register", r.Call(t, a, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	var p struct {
		Certificates []struct{ ID string }
	}
	expect(t, "certificate", r.Call(t, a, "POST", "/api/v1/providers/12345678/certificates", obj{"type": "VCA", "number": "VCA-1", "issuedOn": c.Day(-30), "expiresOn": c.Day(300)}, &p), 201)
	const contractID = "ctr.sch-1.12345678.1"
	publish(t, pf, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contractID, awarded(contractID, "12345678", termsV(1, c.Day(-30), 40, 30, 30)))
	kittest.Eventually(t, "offer", 15*time.Second, func() bool { return r.Call(t, a, "GET", "/api/v1/offers/"+contractID, nil, nil) == 200 })
	raw, _ := contracts.OpenAPI(service.Name)
	pf.CheckAccessMatrix(t, r, raw, contracts.OpenAPIFiles(), kittest.Matrix{
		Rules:  providersAccess,
		Params: map[string]string{"kvk": "12345678", "certificateId": p.Certificates[0].ID, "contractId": contractID, "productId": "prd-1", "kind": "provider"},
		Hidden: []string{contractID, "Bouwschool Noord"},
	})
}

// On every topic of the platform's own it reads, an event its owner did not sign is
// dead-lettered for its origin.
func TestForgedEventsAreRefusedOnEveryTopicItReads(t *testing.T) {
	pf, r := start(t, &kittest.Clock{})
	pf.CheckForgedEventsAreRefused(t, r)
}
