package signin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
)

// Claims says where in the identity provider's ID token the portal finds a user's roles,
// region, organisation and name: claim names or dotted paths (Keycloak keeps roles in
// realm_access.roles), and how the provider's role values map to the platform's roles
// (e.g. "werkregio-inkoper" to buyer). Values without a mapping that are not a platform
// role are ignored; a user left without a role is not let in.
type Claims struct {
	Roles, Region, Org, Name string
	// RoleValues maps the provider's values to roles; platform role names always map to
	// themselves.
	RoleValues map[string]auth.Role
	// FixedRegion is every user's region when the provider has no region claim (an identity
	// provider of one region); Region is then empty.
	FixedRegion string
}

// DefaultClaims are the claim names of the platform's own tokens.
func DefaultClaims() Claims {
	return Claims{Roles: auth.ClaimRoles, Region: auth.ClaimRegion, Org: auth.ClaimOrg, Name: auth.ClaimName}
}

// ParseRoleValues reads "provider-value=role,..." as configured.
func ParseRoleValues(list []string) (map[string]auth.Role, error) {
	m := map[string]auth.Role{}
	for _, item := range list {
		from, to, ok := strings.Cut(item, "=")
		role := auth.Role(strings.TrimSpace(to))
		if !ok || strings.TrimSpace(from) == "" || !slices.Contains(auth.AllRoles, role) {
			return nil, fmt.Errorf("%q is not value=role with a role of %v", item, auth.AllRoles)
		}
		m[strings.TrimSpace(from)] = role
	}
	return m, nil
}

// Principal maps an ID token's claims to the user; sub is the token's subject.
func (c Claims) Principal(sub string, claims map[string]any) (auth.Principal, error) {
	p := auth.Principal{Subject: sub, Name: str(lookup(claims, c.Name)), Org: str(lookup(claims, c.Org))}
	if c.Region == "" {
		p.Region = c.FixedRegion
	} else {
		p.Region = str(lookup(claims, c.Region))
	}
	for _, v := range strs(lookup(claims, c.Roles)) {
		role, ok := c.RoleValues[v]
		if !ok && slices.Contains(auth.AllRoles, auth.Role(v)) {
			role, ok = auth.Role(v), true
		}
		if ok && !slices.Contains(p.Roles, role) {
			p.Roles = append(p.Roles, role)
		}
	}
	switch {
	case p.Subject == "":
		return p, fmt.Errorf("the ID token names no subject")
	case p.Region == "":
		return p, fmt.Errorf("the ID token has no region in claim %q", c.Region)
	case len(p.Roles) == 0:
		return p, fmt.Errorf("the ID token gives no role of the platform in claim %q", c.Roles)
	case p.Org == "":
		return p, fmt.Errorf("the ID token has no organisation in claim %q", c.Org)
	}
	if p.Name == "" {
		p.Name = p.Subject
	}
	return p, nil
}

func lookup(claims map[string]any, path string) any {
	if path == "" {
		return nil
	}
	var cur any = claims
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a claim that holds one value or a list (providers differ).
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Fields(strings.ReplaceAll(v, ",", " "))
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
