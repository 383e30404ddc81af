package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	schemaBase  = "https://werkregio.nl/schemas/common.json#/$defs/"
	eventPrefix = "nl.werkregio."
)

// eventsDocument turns the event schemas (JSON Schema 2020-12) into an OpenAPI document whose
// components oapi-codegen can read: the shared definitions of common.json and one schema per
// event type, named after it (nl.werkregio.participants.enrolment.started.v1 is
// EnrolmentStarted).
//
// Events of a family (allOf one shared definition, e.g. every enrolment milestone) are one Go
// type: the definition with every field a member adds, optional, and each event type an alias
// of it. What a member requires or fixes (a const status) stays in its JSON Schema, which every
// producer and consumer validates against; the Go type is the shape, the schema the rule.
func eventsDocument(root string) (*openapi3.T, error) {
	dir := filepath.Join(root, "events")
	var common struct {
		Defs map[string]map[string]any `json:"$defs"`
	}
	if err := readJSON(filepath.Join(dir, "common.json"), &common); err != nil {
		return nil, err
	}
	schemas := map[string]any{}
	for name, def := range common.Defs {
		schemas[name] = def
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), eventPrefix) || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		var event map[string]any
		if err := readJSON(filepath.Join(dir, e.Name()), &event); err != nil {
			return nil, err
		}
		name := eventName(strings.TrimSuffix(e.Name(), ".json"))
		if _, taken := schemas[name]; taken {
			return nil, fmt.Errorf("%s: its Go name %s is taken", e.Name(), name)
		}
		family, err := joinFamily(event, common.Defs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		if family != "" {
			schemas[name] = map[string]any{"$ref": schemaBase + family}
			continue
		}
		schemas[name] = event
	}
	body, err := json.Marshal(map[string]any{
		"openapi":    "3.1.0",
		"info":       map[string]any{"title": "werkregio events", "version": "1.0.0"},
		"paths":      map[string]any{},
		"components": map[string]any{"schemas": openAPISchema(schemas)},
	})
	if err != nil {
		return nil, err
	}
	return openapi3.NewLoader().LoadFromData(body)
}

// joinFamily adds to the shared definition an event extends (allOf one $ref) the fields the
// event adds, and names the definition; "" for an event of its own.
func joinFamily(event map[string]any, defs map[string]map[string]any) (string, error) {
	all, _ := event["allOf"].([]any)
	if len(all) == 0 {
		return "", nil
	}
	ref, _ := all[0].(map[string]any)["$ref"].(string)
	if len(all) != 1 || !strings.HasPrefix(ref, schemaBase) {
		return "", fmt.Errorf("an event extends exactly one shared definition, not %v", all)
	}
	family := strings.TrimPrefix(ref, schemaBase)
	def, ok := defs[family]
	if !ok {
		return "", fmt.Errorf("no shared definition %s", family)
	}
	props, _ := def["properties"].(map[string]any)
	own, _ := event["properties"].(map[string]any)
	for _, field := range sortedKeys(own) {
		if known, ok := props[field]; ok {
			if !narrows(own[field]) && !reflect.DeepEqual(known, own[field]) {
				return "", fmt.Errorf("%s: it redefines %s of %s", field, field, family)
			}
			continue
		}
		props[field] = own[field]
	}
	return family, nil
}

// narrows: a member may fix a shared field to some of its values (const, enum) only.
func narrows(schema any) bool {
	m, _ := schema.(map[string]any)
	_, isConst := m["const"]
	_, isEnum := m["enum"]
	return len(m) == 1 && (isConst || isEnum)
}

// openAPISchema rewrites JSON Schema into what OpenAPI components and oapi-codegen read:
// references into components, const as a one-value enum, a string enum typed string, and the
// keywords that only validate (unevaluatedProperties, $id, $schema) left out.
func openAPISchema(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range t {
			switch k {
			case "$schema", "$id", "unevaluatedProperties":
				continue
			case "$ref":
				ref := val.(string)
				ref = strings.TrimPrefix(ref, "https://werkregio.nl/schemas/common.json")
				out[k] = strings.Replace(ref, "#/$defs/", "#/components/schemas/", 1)
			case "const":
				out["enum"] = []any{val}
			default:
				out[k] = openAPISchema(val)
			}
		}
		if enum, ok := out["enum"].([]any); ok && out["type"] == nil {
			out["type"] = jsonType(enum)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i := range t {
			out[i] = openAPISchema(t[i])
		}
		return out
	default:
		return v
	}
}

func jsonType(enum []any) string {
	switch enum[0].(type) {
	case bool:
		return "boolean"
	case float64:
		return "number"
	default:
		return "string"
	}
}

// eventName: nl.werkregio.participants.enrolment.started.v1 is EnrolmentStarted.
func eventName(eventType string) string {
	parts := strings.Split(strings.TrimPrefix(eventType, eventPrefix), ".")
	var b strings.Builder
	for _, part := range parts[1 : len(parts)-1] {
		for _, word := range strings.Split(part, "-") {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
