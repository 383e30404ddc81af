// Package auth authenticates requests with bearer JWTs and authorises them by role, region
// and organisation.
package auth

import (
	"context"
	"slices"

	"github.com/werkregio/platform/services/kit/commit"
)

// Role is what a user does on the platform.
type Role string

const (
	RoleBuyer       Role = "buyer"       // inkoper: runs Open House schemes and the tender calendar
	RoleProvider    Role = "provider"    // opleider / aanbieder
	RoleContractor  Role = "contractor"  // opdrachtnemer with a social-return obligation
	RoleCoordinator Role = "coordinator" // werkplein coordinator: oversees the region, may reveal a BSN
	RoleWorkCoach   Role = "workcoach"   // werkcoach (gemeente, UWV): registers and guides participants
	RoleFinance     Role = "finance"     // finance department: payments and budgets
	RoleAdmin       Role = "admin"       // regional administrator
	RoleAdviser     Role = "adviser"     // adviser of the regional mobility team (organisation: the partner they come from)
)

// AllRoles lists every role a token may carry.
var AllRoles = []Role{RoleBuyer, RoleProvider, RoleContractor, RoleCoordinator, RoleWorkCoach, RoleFinance, RoleAdmin, RoleAdviser}

// Principal is the authenticated caller.
type Principal struct {
	Subject string
	Name    string
	// Region is the labour-market region (arbeidsmarktregio) the caller belongs to.
	Region string
	Roles  []Role
	// Org identifies the caller's organisation: the KvK number of a provider or contractor,
	// or the buyer organisation's id. Ownership checks compare it.
	Org string
}

// Has reports whether the principal holds any of the roles.
func (p Principal) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// WithPrincipal stores the principal in ctx.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal stored by the middleware.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// Actor is the principal as it appears in an audit trail.
func (p Principal) Actor() commit.Actor {
	return commit.Actor{Subject: p.Subject, Name: p.Name, Org: p.Org}
}
