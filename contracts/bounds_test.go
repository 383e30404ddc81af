package contracts

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// What a user sends ends up in events: an HTTP API that accepts a value its own event schema
// refuses commits a change whose event cannot be published. This test derives, from the
// schemas themselves, that every request field bounds its value at least as tightly as every
// field of the same name (or the names its x-event-field lists) in the events of the service
// that takes the request: lengths, numbers of items, ranges, patterns and enumerations.
func TestRequestBoundsAreAtLeastTheEventBounds(t *testing.T) {
	events := eventFieldsByService(t)
	services := slices.Sorted(func(yield func(string) bool) {
		for s := range events {
			if !yield(s) {
				return
			}
		}
	})
	for _, service := range services {
		if service == "partners" {
			continue // partner systems publish these; the platform validates what it consumes
		}
		raw, err := OpenAPI(service)
		if err != nil {
			t.Fatalf("%s: no OpenAPI document: %v", service, err)
		}
		doc := loadWithRefs(t, raw)
		requests := requestFields(doc)
		var problems []string
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for n := range requests {
				if !yield(n) {
					return
				}
			}
		}) {
			for _, req := range requests[name] {
				targets := []string{name}
				if alias, ok := req.schema.Extensions["x-event-field"].(string); ok {
					targets = strings.Split(alias, ",") // "-": carried in no event
				}
				for _, target := range targets {
					for _, ev := range events[service][target] {
						for _, p := range looser(req.schema, ev.schema) {
							problems = append(problems, fmt.Sprintf("%s %s: %s (event %s at %s)", req.where, name, p, ev.event, ev.where))
						}
					}
				}
			}
		}
		sort.Strings(problems)
		for _, p := range slices.Compact(problems) {
			t.Errorf("%s: %s", service, p)
		}
	}
}

type eventField struct {
	event, where string
	schema       map[string]any
}

// eventFieldsByService walks every event schema, its references resolved, and indexes its
// properties by name, per service that publishes it (the service is in the type name).
func eventFieldsByService(t *testing.T) map[string]map[string][]eventField {
	common := readJSON(t, "events/common.json")
	out := map[string]map[string][]eventField{}
	entries, _ := fs.ReadDir(files, "events")
	for _, e := range entries {
		typ := strings.TrimSuffix(e.Name(), ".json")
		if typ == "common" {
			continue
		}
		service := strings.Split(typ, ".")[2] // nl.werkregio.<service>.<...>
		if out[service] == nil {
			out[service] = map[string][]eventField{}
		}
		var walk func(where string, s map[string]any)
		walk = func(where string, s map[string]any) {
			s = resolve(t, s, common)
			if props, ok := s["properties"].(map[string]any); ok {
				for name, p := range props {
					ps := resolve(t, p.(map[string]any), common)
					out[service][name] = append(out[service][name], eventField{event: typ, where: where + "/" + name, schema: ps})
					walk(where+"/"+name, ps)
				}
			}
			if items, ok := s["items"].(map[string]any); ok {
				walk(where+"[]", items)
			}
		}
		walk("", readJSON(t, "events/"+e.Name()))
	}
	return out
}

func resolve(t *testing.T, s map[string]any, common map[string]any) map[string]any {
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	_, frag, _ := strings.Cut(ref, "#/$defs/")
	def, ok := common["$defs"].(map[string]any)[frag].(map[string]any)
	if !ok {
		t.Fatalf("unresolvable reference %s", ref)
	}
	merged := map[string]any{}
	for k, v := range def {
		merged[k] = v
	}
	for k, v := range s {
		if k != "$ref" {
			merged[k] = v
		}
	}
	return merged
}

type requestField struct {
	where  string
	schema *openapi3.Schema
}

// requestFields indexes the properties of every request body by name.
func requestFields(doc *openapi3.T) map[string][]requestField {
	out := map[string][]requestField{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.Schema)
	walk = func(where string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for name, p := range s.Properties {
			out[name] = append(out[name], requestField{where: where, schema: p.Value})
			walk(where+"."+name, p.Value)
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value)
		}
		for _, a := range s.AllOf {
			walk(where, a.Value)
		}
	}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				if mt.Schema != nil {
					walk(method+" "+p, mt.Schema.Value)
				}
			}
		}
	}
	return out
}

// looser lists how a request field accepts what an event field refuses. Fields of the same
// name but another kind (an object here, a list there) are different things.
func looser(req *openapi3.Schema, ev map[string]any) []string {
	var out []string
	evType, _ := ev["type"].(string)
	if _, isEnum := ev["enum"]; isEnum && evType == "" {
		evType = "string"
	}
	reqType := "string"
	if req.Type != nil && len(req.Type.Slice()) > 0 {
		reqType = req.Type.Slice()[0]
	}
	if reqType == "integer" {
		reqType = "number"
	}
	if evType == "integer" {
		evType = "number"
	}
	if evType != "" && reqType != evType {
		return nil
	}
	num := func(k string) (float64, bool) {
		v, ok := ev[k].(float64)
		return v, ok
	}
	enumOK := func(check func(string) bool) bool {
		if len(req.Enum) == 0 {
			return false
		}
		for _, v := range req.Enum {
			s, ok := v.(string)
			if !ok || !check(s) {
				return false
			}
		}
		return true
	}
	if max, ok := num("maxLength"); ok && !enumOK(func(s string) bool { return float64(len([]rune(s))) <= max }) && req.Format != "date" && req.Format != "date-time" {
		if req.MaxLength == nil || float64(*req.MaxLength) > max {
			out = append(out, fmt.Sprintf("accepts up to %s characters, the event at most %.0f", limit(req.MaxLength), max))
		}
	}
	if min, ok := num("minLength"); ok && !enumOK(func(s string) bool { return float64(len([]rune(s))) >= min }) && req.Pattern == "" && req.Format == "" {
		if float64(req.MinLength) < min {
			out = append(out, fmt.Sprintf("accepts %d characters, the event needs at least %.0f", req.MinLength, min))
		}
	}
	if pattern, ok := ev["pattern"].(string); ok && req.Pattern != pattern {
		re := regexp.MustCompile(pattern)
		if !enumOK(re.MatchString) {
			out = append(out, fmt.Sprintf("has pattern %q, the event %q", req.Pattern, pattern))
		}
	}
	if max, ok := num("maxItems"); ok && (req.MaxItems == nil || float64(*req.MaxItems) > max) {
		out = append(out, fmt.Sprintf("accepts up to %s items, the event at most %.0f", limit(req.MaxItems), max))
	}
	if max, ok := num("maximum"); ok && (req.Max == nil || *req.Max > max) {
		out = append(out, fmt.Sprintf("accepts up to %s, the event at most %v", limitF(req.Max), max))
	}
	if min, ok := num("minimum"); ok && (req.Min == nil || *req.Min < min) {
		out = append(out, fmt.Sprintf("accepts from %s, the event from %v", limitF(req.Min), min))
	}
	if enum, ok := ev["enum"].([]any); ok {
		allowed := map[string]bool{}
		for _, v := range enum {
			allowed[fmt.Sprint(v)] = true
		}
		if len(req.Enum) == 0 && req.Type != nil && req.Type.Is("string") {
			out = append(out, fmt.Sprintf("accepts any string, the event only %v", enum))
		}
		for _, v := range req.Enum {
			if !allowed[fmt.Sprint(v)] {
				out = append(out, fmt.Sprintf("accepts %v, which the event does not", v))
			}
		}
	}
	return out
}

func limit(n *uint64) string {
	if n == nil {
		return "any number of"
	}
	return fmt.Sprint(*n)
}

func limitF(f *float64) string {
	if f == nil {
		return fmt.Sprint(math.Inf(1))
	}
	return fmt.Sprint(*f)
}

func readJSON(t *testing.T, name string) map[string]any {
	raw, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func loadWithRefs(t *testing.T, raw []byte) *openapi3.T {
	l := openapi3.NewLoader()
	l.IsExternalRefsAllowed = true
	l.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		return fs.ReadFile(OpenAPIFiles(), path.Base(u.Path))
	}
	doc, err := l.LoadFromDataWithPath(raw, &url.URL{Path: "/openapi/service.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Every string and list in an event has a bound (a length, a pattern, an enumeration, a
// format, a number of items), so no event can grow past what the broker accepts.
func TestEveryEventFieldIsBounded(t *testing.T) {
	common := readJSON(t, "events/common.json")
	entries, _ := fs.ReadDir(files, "events")
	for _, e := range entries {
		if e.Name() == "common.json" {
			continue
		}
		var walk func(where string, s map[string]any)
		walk = func(where string, s map[string]any) {
			s = resolve(t, s, common)
			typ, _ := s["type"].(string)
			bounded := func(keys ...string) bool {
				for _, k := range keys {
					if _, ok := s[k]; ok {
						return true
					}
				}
				return false
			}
			if typ == "string" && !bounded("maxLength", "pattern", "enum", "format", "const") {
				t.Errorf("%s %s: a string without a bound", e.Name(), where)
			}
			if typ == "array" && !bounded("maxItems") {
				t.Errorf("%s %s: a list without a maximum number of items", e.Name(), where)
			}
			if props, ok := s["properties"].(map[string]any); ok {
				for name, p := range props {
					walk(where+"/"+name, p.(map[string]any))
				}
			}
			if items, ok := s["items"].(map[string]any); ok {
				walk(where+"[]", items)
			}
		}
		walk("", readJSON(t, "events/"+e.Name()))
	}
}
