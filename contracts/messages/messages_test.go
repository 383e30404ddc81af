package messages_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/werkregio/platform/contracts/messages"
)

// ruleCalls are the constructors of what a service tells a person (kit/rules), with the
// position of their template.
var ruleCalls = map[string]int{"Check": 2, "Invalid": 1, "State": 0, "BadQuery": 1, "Forbid": 0, "because": 0, "NewHold": 1, "Reject": 0, "TooMany": 1, "Unavailable": 1}

// identCalls are a package's own helpers, called by name alone, and where their template is.
var identCalls = map[string]int{"hold": 1, "reject": 0, "said": 2}

// templates finds every template the services hand a rule constructor. Wiring (service/,
// cmd/, kit/config, kit/service) checks the environment for operators, in English, and is
// left out.
func templates(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{} // template -> where
	root := "../../services"
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			for _, skip := range []string{"portal", "devstack", "mongosqlite", "testenv", "kit/config", "kit/service", "kit/kittest", "service", "cmd"} {
				if rel == skip || strings.HasSuffix(rel, "/"+skip) && (skip == "service" || skip == "cmd") {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var i int
			var known bool
			switch fn := call.Fun.(type) {
			case *ast.Ident: // a package's own helper (payments' hold)
				i, known = identCalls[fn.Name]
			case *ast.SelectorExpr:
				i, known = ruleCalls[fn.Sel.Name]
				if pkg, ok := fn.X.(*ast.Ident); ok && pkg.Name == "messages" && fn.Sel.Name == "Of" {
					i, known = 0, true // a message said directly: a reason, an e-mail
				}
			}
			if !known || len(call.Args) <= i {
				return true
			}
			where := fset.Position(call.Pos()).String()
			if id, ok := call.Args[i].(*ast.Ident); ok && (id.Name == "format" || id.Name == "template") {
				return true // a constructor handing on its own template: its callers are scanned
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the template is not a literal: a person would read whatever it holds, in English", where)
				return true
			}
			if s, _ := strconv.Unquote(lit.Value); s != "" { // "": no detail (a hold's code says it all)
				out[s] = where
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d templates found: the scan looks in the wrong place", len(out))
	}
	return out
}

var placeholder = regexp.MustCompile(`\{(\d+)\}`)

// Every rule and reason a service can tell a person is in the catalogue, in Dutch, with the
// same parameters; no two rules share a code, and nothing in the catalogue is left over.
func TestEveryRuleAServiceStatesHasItsDutch(t *testing.T) {
	seen := map[string]string{}
	for tmpl, where := range templates(t) {
		code := messages.CodeOf(tmpl)
		if other, ok := seen[code]; ok && other != tmpl {
			t.Errorf("%s: %q and %q share the code %s: word one differently", where, tmpl, other, code)
		}
		seen[code] = tmpl
		if !messages.Known(code) {
			t.Errorf("%s: no Dutch for %s (%q)", where, code, tmpl)
			continue
		}
		if en := messages.English(code); en != tmpl {
			t.Errorf("%s: the catalogue's English of %s is %q, the service says %q", where, code, en, tmpl)
		}
		params := len(messages.Of(tmpl, make([]any, 20)...).Params)
		nl, _ := messages.Dutch(messages.Message{Code: code})
		var used []int
		for _, m := range placeholder.FindAllStringSubmatch(nl, -1) {
			n, _ := strconv.Atoi(m[1])
			used = append(used, n)
		}
		for n := 1; n <= params; n++ {
			if !slices.Contains(used, n) {
				t.Errorf("%s: the Dutch of %s leaves out parameter {%d}", where, code, n)
			}
		}
		for _, n := range used {
			if n < 1 || n > params {
				t.Errorf("%s: the Dutch of %s names {%d}; the rule has %d parameters", where, code, n, params)
			}
		}
	}
	for _, code := range messages.Codes() {
		if _, ok := seen[code]; !ok {
			t.Errorf("%s is in the catalogue and no service states it any more: remove it", code)
		}
	}
}

// A message carries its parameters as the template shows them, and Dutch says a day and a
// known word its own way.
func TestAMessageInDutch(t *testing.T) {
	m := messages.Of("enrolment %s is %s; only a started trajectory can be completed", "enr-1", "enrolled")
	if m.Code != "enrolment-x-is-x-only-a-started-trajectory-can-be-completed" || !slices.Equal(m.Params, []string{"enr-1", "enrolled"}) {
		t.Errorf("%+v", m)
	}
	if q := messages.Of("product %q exists already", "p1"); q.Params[0] != "p1" {
		t.Errorf("a %%q parameter keeps no quotes: %v", q.Params)
	}
	if got := m.English(); got != "enrolment enr-1 is enrolled; only a started trajectory can be completed" {
		t.Errorf("in English: %q", got)
	}
	if got := messages.DutchValue("EUR 300.000,00"); got != "€ 300.000,00" {
		t.Errorf("an amount in Dutch: %s", got)
	}
	if got := messages.DutchValue("2026-05-01"); got != "1 mei 2026" {
		t.Errorf("a day in Dutch: %s", got)
	}
	if got, ok := messages.Dutch(m); !ok || !strings.Contains(got, "enr-1") || strings.Contains(got, "enrolled") {
		t.Errorf("in Dutch: %q", got)
	}
}
