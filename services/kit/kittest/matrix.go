package kittest

import (
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
)

// Rule says who may use an operation.
type Rule struct {
	// Roles may use it at all; every other role is refused (403), or sees nothing (404, a
	// list without the resource) and changes nothing.
	Roles []auth.Role
	// OwnOrg are the roles of Roles that see and change only their own organisation's
	// resources (a provider its enrolments, a work coach their organisation's participants).
	OwnOrg []auth.Role
	// Public: no token needed (a published calendar); skipped.
	Public bool
}

// Matrix is a service's access policy and a resource of the "own" organisations to test
// it on.
type Matrix struct {
	// Rules by operationId: an operation of the document without a rule fails the test, so a
	// new route cannot be forgotten.
	Rules map[string]Rule
	// Params fills each path parameter with a resource of the own organisations.
	Params map[string]string
	// Own and Other give each role's organisation in the two cases (default: OwnOrgs and
	// OtherOrgs, the organisations the tests' fixtures are made with).
	Own, Other map[auth.Role]string
	// Hidden are the ids a refused caller must not see in any answer.
	Hidden []string
}

// CommonRules are the rules of the operations every service offers (common.yaml): the
// administrator's. A service's Rules need not repeat them.
var CommonRules = map[string]Rule{
	"listParkedEvents":      {Roles: []auth.Role{auth.RoleAdmin}},
	"republishParkedEvents": {Roles: []auth.Role{auth.RoleAdmin}},
	"discardParkedEvents":   {Roles: []auth.Role{auth.RoleAdmin}},
	"rebuildView":           {Roles: []auth.Role{auth.RoleAdmin}},
	"listDeadLetters":       {Roles: []auth.Role{auth.RoleAdmin}},
	"getDeadLetter":         {Roles: []auth.Role{auth.RoleAdmin}},
	"replayDeadLetters":     {Roles: []auth.Role{auth.RoleAdmin}},
	"discardDeadLetter":     {Roles: []auth.Role{auth.RoleAdmin}},
	"getOpenAPIDocument":    {Public: true},
}

// OwnOrgs are the organisations the fixtures of the services' tests belong to: the
// gemeente's buyer and work coach, provider 12345678, the werkplein, the region's
// administrators.
var OwnOrgs = map[auth.Role]string{auth.RoleBuyer: "gemeente-groningen", auth.RoleWorkCoach: "gemeente-groningen", auth.RoleFinance: "gemeente-groningen",
	auth.RoleProvider: "12345678", auth.RoleCoordinator: "werkplein-groningen", auth.RoleAdmin: "regio-groningen", auth.RoleContractor: "11223344",
	auth.RoleAdviser: "fnv-noord"}

// OtherOrgs are organisations of the same region that own none of the fixtures.
var OtherOrgs = map[auth.Role]string{auth.RoleBuyer: "gemeente-assen", auth.RoleWorkCoach: "uwv-groningen", auth.RoleFinance: "uwv-groningen",
	auth.RoleProvider: "23456789", auth.RoleCoordinator: "werkplein-oost", auth.RoleAdmin: "regio-oost", auth.RoleContractor: "99887766",
	auth.RoleAdviser: "uwv-rmt"}

// deadLetterFixture keeps a dead letter in the service's store for the administrators'
// operations on one (the common part of every service's matrix).
func deadLetterFixture(t *testing.T, r *Running) string {
	t.Helper()
	const group = "access-matrix"
	if err := r.Platform.Store.KeepDeadLetter(t.Context(), messaging.DeadLetter{Group: group, Topic: "access-matrix.fixture", Offset: 1,
		Reason: "a fixture of the access matrix", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	open, err := r.Platform.Store.DeadLetters(t.Context(), store.DeadLetterOpen, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range open {
		if d.Group == group {
			return d.ID
		}
	}
	t.Fatal("the access matrix's dead letter was not kept")
	return ""
}

// CheckAccessMatrix calls every operation of the document with every role, of this region
// and another, of the resource's own organisation and another, and checks the policy: a
// token of another region is refused (403); a role the operation is not for, or an
// organisation the resource is not of, gets no data (no 2xx but an empty list) and makes
// no change (no 2xx); an allowed caller is not refused (no 401, 403 or 404), and reads the
// resource (200). Changes carry a stale If-Match, so an allowed one fails on the version
// (412) after authorisation and the fixture stays as it is.
func (p *Platform) CheckAccessMatrix(t *testing.T, r *Running, raw []byte, refs fs.FS, m Matrix) {
	t.Helper()
	doc, err := LoadOpenAPI(raw, refs)
	if err != nil {
		t.Fatal(err)
	}
	rules := maps.Clone(CommonRules)
	maps.Copy(rules, m.Rules)
	m.Rules = rules
	if m.Own == nil {
		m.Own = OwnOrgs
	}
	if m.Other == nil {
		m.Other = OtherOrgs
	}
	if _, ok := m.Params["deadLetterId"]; !ok {
		m.Params = maps.Clone(m.Params)
		if m.Params == nil {
			m.Params = map[string]string{}
		}
		m.Params["deadLetterId"] = deadLetterFixture(t, r)
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	checked := 0
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method, op := range item.Operations() {
			rule, ok := m.Rules[op.OperationID]
			if !ok {
				t.Errorf("%s %s (%s) has no access rule: say who may use it", method, path, op.OperationID)
				continue
			}
			if rule.Public {
				continue
			}
			target := param.ReplaceAllStringFunc(path, func(s string) string {
				v, ok := m.Params[s[1:len(s)-1]]
				if !ok {
					t.Fatalf("no fixture for path parameter %s", s)
				}
				return v
			})
			// a body, with and without a token: authentication comes first, and no
			// operation fails on a body it does not take
			if a := r.raw(t, "", method, target, `{"unexpected":true}`, op.OperationID); a.Status != http.StatusUnauthorized {
				t.Errorf("%s %s with a body and no token: %d, want 401: %.200s", method, target, a.Status, a.Body)
			}
			if len(rule.Roles) > 0 {
				token := p.TokenIn(t, Region, m.Own[rule.Roles[0]], rule.Roles[0])
				if a := r.raw(t, token, method, target, `{"unexpected":true}`, op.OperationID); a.Status >= 500 {
					t.Errorf("%s %s with a body it does not expect: %d: %.200s", method, target, a.Status, a.Body)
				}
			}
			list := method == http.MethodGet && !strings.HasSuffix(path, "}")
			for _, role := range auth.AllRoles {
				for _, region := range []string{Region, "flevoland"} {
					for _, own := range []bool{true, false} {
						org := m.Own[role]
						if !own {
							org = m.Other[role]
						}
						allowed := region == Region && slices.Contains(rule.Roles, role) && (own || !slices.Contains(rule.OwnOrg, role))
						status, body := p.matrixCall(t, r, method, target, p.TokenIn(t, region, org, role))
						checked++
						what := fmt.Sprintf("%s %s as %s of %s in %s", method, target, role, org, region)
						switch {
						case region != Region:
							if status != http.StatusForbidden {
								t.Errorf("%s: %d, want 403 (another region's token)", what, status)
							}
						case !allowed && list:
							if status/100 == 2 {
								for _, id := range m.Hidden {
									if strings.Contains(body, id) {
										t.Errorf("%s: the list shows %s", what, id)
									}
								}
							}
						case !allowed:
							if status/100 == 2 {
								t.Errorf("%s: %d, want a refusal: %.200s", what, status, body)
							}
						case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound:
							t.Errorf("%s: %d, want it allowed: %.200s", what, status, body)
						case method == http.MethodGet && status != http.StatusOK:
							t.Errorf("%s: %d, want 200", what, status)
						}
					}
				}
			}
		}
	}
	for id := range m.Rules {
		if !hasOperation(doc.Paths.Map(), id) {
			t.Errorf("access rule for %s, which the document does not have", id)
		}
	}
	if checked == 0 {
		t.Fatal("no operation checked")
	}
}

func (p *Platform) matrixCall(t *testing.T, r *Running, method, target, token string) (int, string) {
	h := http.Header{}
	if method != http.MethodGet {
		h.Set("If-Match", `"999999"`) // every change is stale: authorised ones fail on the version
	}
	a := r.rawWith(t, token, method, target, h)
	return a.Status, a.Body
}

func hasOperation(paths map[string]*openapi3.PathItem, id string) bool {
	for _, item := range paths {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return true
			}
		}
	}
	return false
}
