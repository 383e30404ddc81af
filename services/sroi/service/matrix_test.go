package service_test

import (
	"maps"
	"testing"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/sroi/service"
)

var (
	regionRoles = []auth.Role{auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin}
	readers     = []auth.Role{auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin, auth.RoleContractor}
	deciders    = []auth.Role{auth.RoleBuyer, auth.RoleCoordinator}
	buyerOnly   = []auth.Role{auth.RoleBuyer}
	contractors = []auth.Role{auth.RoleContractor}
)

// sroiAccess: the region's buyers, werkplein and administrators see every project; a
// buyer overrides and moves deadlines; buyers and the werkplein decide on declarations; a
// contractor sees and declares on its own projects only.
var sroiAccess = map[string]kittest.Rule{
	"listProjects":       {Roles: readers, OwnOrg: contractors},
	"getProject":         {Roles: readers, OwnOrg: contractors},
	"overrideObligation": {Roles: buyerOnly},
	"setParties":         {Roles: deciders},
	"setDeadline":        {Roles: buyerOnly},
	"declare":            {Roles: contractors, OwnOrg: contractors},
	"listDeclarations":   {Roles: readers, OwnOrg: contractors},
	"getDeclaration":     {Roles: readers, OwnOrg: contractors},
	"approveDeclaration": {Roles: deciders},
	"rejectDeclaration":  {Roles: deciders},
	"addEvidence":        {Roles: contractors, OwnOrg: contractors},
	"getEvidence":        {Roles: readers, OwnOrg: contractors},
	// the default scope is the region's: a contractor reads its own scope only
	"totals":            {Roles: regionRoles},
	"tables":            {Roles: readers},
	"policies":          {Roles: readers},
	"publishPolicy":     {Roles: []auth.Role{auth.RoleAdmin}},
	"publishTable":      {Roles: []auth.Role{auth.RoleAdmin}},
	"listGoals":         {Roles: regionRoles},
	"setGoal":           {Roles: []auth.Role{auth.RoleBuyer, auth.RoleAdmin}},
	"goalProgress":      {Roles: regionRoles},
	"indicators":        {Roles: regionRoles},
	"listPartnerships":  {Roles: regionRoles},
	"setPartnership":    {Roles: regionRoles},
	"partnershipReport": {Roles: regionRoles},
}

// Every role, of this region and another, of the project's contractor and another, on every
// operation of the document.
func TestAccessMatrixOfEveryRoleRegionOrganisationAndRoute(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	id := g.award(t, "tnd-m", 900_000_000, "2025-03-01", "2025-05-01", "2027-04-30")
	d := g.declareCandidate(t, id, bsnAnna, "2025-06-01", "2025-11-30")
	expect(t, "goal", g.r.Call(t, g.buyer, "POST", "/api/v1/jobs-goals", obj{"id": "banenplan", "name": "1000-banenplan", "target": 1000,
		"from": "2025-01-01", "deadline": "2027-12-31"}, nil), 201)
	expect(t, "partnership", g.r.Call(t, g.buyer, "POST", "/api/v1/partnerships", obj{"id": "bouw-techniek", "name": "Bouw & Techniek Groningen",
		"projects": []string{id}}, nil), 201)
	ev := g.attach(t, d.ID, "arbeidscontract.pdf", samplePDF)
	own := maps.Clone(kittest.OwnOrgs)
	own[auth.RoleContractor] = contractor
	raw, _ := contracts.OpenAPI(service.Name)
	pf.CheckAccessMatrix(t, g.r, raw, contracts.OpenAPIFiles(), kittest.Matrix{
		Rules:  sroiAccess,
		Params: map[string]string{"projectId": id, "declarationId": d.ID, "evidenceId": ev, "goalId": "banenplan", "partnershipId": "bouw-techniek", "kind": "project"},
		Own:    own,
		Hidden: []string{d.ID},
	})
}

// On every topic of the platform's own it reads (the shared candidate-months topic among
// them), an event its owner did not sign is dead-lettered for its origin.
func TestForgedEventsAreRefusedOnEveryTopicItReads(t *testing.T) {
	pf := kittest.NewPlatform(t)
	g := startRegion(t, pf, kittest.Region)
	pf.CheckForgedEventsAreRefused(t, g.r)
}

// Every route it serves is in its document, which it publishes (API-51) with its version
// on every answer (API-57).
func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	g := startRegion(t, kittest.NewPlatform(t), kittest.Region)
	raw, _ := contracts.OpenAPI(service.Name)
	g.r.RoutesInDocument(t, raw, contracts.OpenAPIFiles())
}
