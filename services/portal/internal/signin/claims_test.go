package signin

import (
	"slices"
	"testing"

	"github.com/werkregio/platform/services/kit/auth"
)

// A region's identity provider names roles its own way (Keycloak: realm_access.roles);
// configuration maps them, and a user without a role of the platform is not let in.
func TestClaimsMapTheProvidersRolesRegionAndOrganisation(t *testing.T) {
	values, err := ParseRoleValues([]string{"werkregio-inkoper=buyer", "werkregio-fin=finance"})
	if err != nil {
		t.Fatal(err)
	}
	c := Claims{Roles: "realm_access.roles", Region: "", FixedRegion: "flevoland", Org: "organisation", Name: "name", RoleValues: values}
	p, err := c.Principal("u1", map[string]any{"realm_access": map[string]any{"roles": []any{"offline_access", "werkregio-inkoper", "werkregio-fin", "coordinator"}},
		"organisation": "gemeente-almere", "name": "Ans"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "flevoland" || p.Org != "gemeente-almere" || !slices.Equal(p.Roles, []auth.Role{auth.RoleBuyer, auth.RoleFinance, auth.RoleCoordinator}) {
		t.Fatalf("%+v", p)
	}
	if _, err := c.Principal("u2", map[string]any{"realm_access": map[string]any{"roles": []any{"offline_access"}}, "organisation": "x"}); err == nil {
		t.Fatal("a user without a platform role was let in")
	}
	if _, err := DefaultClaims().Principal("u3", map[string]any{"roles": "buyer", "org": "x"}); err == nil {
		t.Fatal("a user without a region was let in")
	}
	if _, err := ParseRoleValues([]string{"x=superuser"}); err == nil {
		t.Fatal("a mapping to no role of the platform was accepted")
	}
}
