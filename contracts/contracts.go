// Package contracts holds the platform's contracts and validates against them: a JSON
// Schema per event type (events/), an OpenAPI 3.1 document per HTTP API (openapi/) and the
// AsyncAPI document listing every topic (asyncapi.yaml). The Go types of the event data
// (events/) and of each API's bodies (openapi/<service>api/) are generated from them.
package contracts

//go:generate go run github.com/werkregio/platform/contracts/codegen

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed events/*.json openapi/*.yaml asyncapi.yaml
var files embed.FS

const schemaBase = "https://werkregio.nl/schemas/"

// Events validates event data by CloudEvents type.
type Events struct {
	schemas map[string]*jsonschema.Schema
}

var (
	events     *Events
	eventsErr  error
	eventsOnce sync.Once
)

// EventSchemas compiles every event schema once.
func EventSchemas() (*Events, error) {
	eventsOnce.Do(func() { events, eventsErr = compile() })
	return events, eventsErr
}

// MustEventSchemas is EventSchemas for wiring code: the schemas are embedded, so a failure
// is a build defect.
func MustEventSchemas() *Events {
	e, err := EventSchemas()
	if err != nil {
		panic(err)
	}
	return e
}

func compile() (*Events, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	entries, err := fs.ReadDir(files, "events")
	if err != nil {
		return nil, err
	}
	var types []string
	for _, e := range entries {
		raw, err := files.ReadFile("events/" + e.Name())
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		url := schemaBase + "events/" + e.Name()
		if e.Name() == "common.json" {
			url = schemaBase + "common.json"
		} else {
			types = append(types, strings.TrimSuffix(e.Name(), ".json"))
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
	}
	ev := &Events{schemas: map[string]*jsonschema.Schema{}}
	for _, t := range types {
		s, err := c.Compile(schemaBase + "events/" + t + ".json")
		if err != nil {
			return nil, fmt.Errorf("compile %s: %w", t, err)
		}
		ev.schemas[t] = s
	}
	return ev, nil
}

// Validate checks data against the schema of the event type; unknown types are invalid.
func (e *Events) Validate(eventType string, data []byte) error {
	s, ok := e.schemas[eventType]
	if !ok {
		return fmt.Errorf("unknown event type %q", eventType)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("data is not JSON: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("does not match schema of %s: %s", eventType, flatten(err))
	}
	return nil
}

// flatten turns the validator's error tree into one line naming each broken rule.
func flatten(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var out []string
	var walk func(*jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) == 0 {
			out = append(out, fmt.Sprintf("at /%s: %s", strings.Join(v.InstanceLocation, "/"), v.ErrorKind.LocalizedString(printer)))
			return
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(ve)
	return strings.Join(out, "; ")
}

// Types lists every event type with a schema.
func (e *Events) Types() []string {
	out := make([]string, 0, len(e.schemas))
	for t := range e.schemas {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// OpenAPI returns the OpenAPI document of a service (e.g. "procurement"). It refers to
// common.yaml for what every service shares (paging, administration): load it with
// OpenAPIFiles to resolve those references.
func OpenAPI(service string) ([]byte, error) { return files.ReadFile("openapi/" + service + ".yaml") }

// MustOpenAPI is a service's OpenAPI document, embedded: a missing one is a build defect.
func MustOpenAPI(service string) []byte {
	doc, err := OpenAPI(service)
	if err != nil {
		panic(err)
	}
	return doc
}

// OpenAPIFiles are the OpenAPI documents, for resolving references between them.
func OpenAPIFiles() fs.FS {
	sub, err := fs.Sub(files, "openapi")
	if err != nil {
		panic(err)
	}
	return sub
}

// AsyncAPI returns the AsyncAPI document.
func AsyncAPI() ([]byte, error) { return files.ReadFile("asyncapi.yaml") }

// SchemaJSON returns the raw schema of an event type (for documentation endpoints).
func SchemaJSON(eventType string) (json.RawMessage, error) {
	return files.ReadFile("events/" + eventType + ".json")
}

var printer = message.NewPrinter(language.English)
