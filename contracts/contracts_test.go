package contracts

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/werkregio/platform/contracts/catalog"
	"gopkg.in/yaml.v3"
)

func TestEverySchemaCompilesAndRejectsBadData(t *testing.T) {
	ev, err := EventSchemas()
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Types()) < 11 {
		t.Fatalf("only %d event types", len(ev.Types()))
	}
	if err := ev.Validate("nl.werkregio.unknown.v1", []byte(`{}`)); err == nil {
		t.Error("unknown event type accepted")
	}
	good := `{"schemeId":"sch-1","reference":"OH-1","region":"groningen","closedAt":"2026-01-02T03:04:05Z"}`
	if err := ev.Validate("nl.werkregio.procurement.scheme.closed.v1", []byte(good)); err != nil {
		t.Errorf("valid event rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"missing field": `{"schemeId":"sch-1","reference":"OH-1","region":"groningen"}`,
		"bad region":    `{"schemeId":"sch-1","reference":"OH-1","region":"Groningen!","closedAt":"2026-01-02T03:04:05Z"}`,
		"bad time":      `{"schemeId":"sch-1","reference":"OH-1","region":"groningen","closedAt":"yesterday"}`,
		"extra field":   `{"schemeId":"sch-1","reference":"OH-1","region":"groningen","closedAt":"2026-01-02T03:04:05Z","bsn":"123"}`,
		"not json":      `{"schemeId":`,
	} {
		if err := ev.Validate("nl.werkregio.procurement.scheme.closed.v1", []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The AsyncAPI document lists exactly the event types that have schemas, each pointing at
// an existing schema file.
func TestAsyncAPIListsEverySchema(t *testing.T) {
	raw, err := AsyncAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AsyncAPI   string `yaml:"asyncapi"`
		Components struct {
			Messages map[string]struct {
				Name    string            `yaml:"name"`
				Payload map[string]string `yaml:"payload"`
			} `yaml:"messages"`
		} `yaml:"components"`
		Channels map[string]struct {
			Address  string         `yaml:"address"`
			Messages map[string]any `yaml:"messages"`
		} `yaml:"channels"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.AsyncAPI, "3.") {
		t.Errorf("asyncapi version %q", doc.AsyncAPI)
	}
	listed := map[string]bool{}
	for key, m := range doc.Components.Messages {
		listed[m.Name] = true
		ref := m.Payload["$ref"]
		if _, err := os.Stat(filepath.Join(".", ref)); err != nil {
			t.Errorf("message %s: payload %s: %v", key, ref, err)
		}
		if ref != "events/"+m.Name+".json" {
			t.Errorf("message %s points at %s", m.Name, ref)
		}
	}
	ev := MustEventSchemas()
	for _, typ := range ev.Types() {
		if !listed[typ] {
			t.Errorf("event type %s has a schema but is not in asyncapi.yaml", typ)
		}
		delete(listed, typ)
	}
	for typ := range listed {
		t.Errorf("asyncapi.yaml lists %s without a schema", typ)
	}
	for name, ch := range doc.Channels {
		if ch.Address == "" || len(ch.Messages) == 0 {
			t.Errorf("channel %s has no address or messages", name)
		}
	}
}

func TestOpenAPIDocumentsAreValid(t *testing.T) {
	entries, _ := os.ReadDir("openapi")
	if len(entries) == 0 {
		t.Fatal("no OpenAPI documents")
	}
	for _, e := range entries {
		if e.IsDir() {
			continue // the generated Go types of a document
		}
		raw, err := OpenAPI(strings.TrimSuffix(e.Name(), ".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		l := openapi3.NewLoader()
		l.IsExternalRefsAllowed = true
		l.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
			return fs.ReadFile(OpenAPIFiles(), path.Base(u.Path))
		}
		doc, err := l.LoadFromDataWithPath(raw, &url.URL{Path: "/openapi/" + e.Name()})
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if !strings.HasPrefix(doc.OpenAPI, "3.1") {
			t.Errorf("%s: openapi %s, want 3.1", e.Name(), doc.OpenAPI)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
}

// The catalog and the AsyncAPI document say the same: every topic a channel, with the same
// messages, owner and Kafka configuration (retention, compaction), and every event type on a
// topic has a schema.
func TestTheCatalogIsTheAsyncAPIDocument(t *testing.T) {
	raw, err := AsyncAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Channels map[string]struct {
			Address  string                    `yaml:"address"`
			Messages map[string]map[string]any `yaml:"messages"`
			Bindings struct {
				Kafka struct {
					TopicConfiguration map[string]any `yaml:"topicConfiguration"`
				} `yaml:"kafka"`
			} `yaml:"bindings"`
		} `yaml:"channels"`
		Operations map[string]struct {
			Action      string            `yaml:"action"`
			Channel     map[string]string `yaml:"channel"`
			Description string            `yaml:"description"`
		} `yaml:"operations"`
		Components struct {
			Messages map[string]struct {
				Name string `yaml:"name"`
			} `yaml:"messages"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := map[string]bool{}
	for _, typ := range MustEventSchemas().Types() {
		schemas[typ] = true
	}
	channels := map[string]string{}
	for id, ch := range doc.Channels {
		channels[ch.Address] = id
	}
	for _, topic := range catalog.Topics {
		id, ok := channels[topic.Name]
		if !ok {
			t.Errorf("topic %s is not a channel of asyncapi.yaml", topic.Name)
			continue
		}
		delete(channels, topic.Name)
		ch := doc.Channels[id]
		var types []string
		for _, m := range ch.Messages {
			ref, _ := m["$ref"].(string)
			types = append(types, doc.Components.Messages[strings.TrimPrefix(ref, "#/components/messages/")].Name)
		}
		sort.Strings(types)
		want := append([]string(nil), topic.Types...)
		sort.Strings(want)
		if fmt.Sprint(types) != fmt.Sprint(want) {
			t.Errorf("%s: asyncapi.yaml has messages %v, the catalog %v", topic.Name, types, want)
		}
		for _, typ := range topic.Types {
			if !schemas[typ] {
				t.Errorf("%s has no schema", typ)
			}
		}
		got := map[string]string{}
		for k, v := range ch.Bindings.Kafka.TopicConfiguration {
			switch v := v.(type) {
			case []any:
				got[k] = fmt.Sprint(v[0])
			default:
				got[k] = fmt.Sprint(v)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(topic.Config()) {
			t.Errorf("%s: asyncapi.yaml configures %v, the catalog %v", topic.Name, got, topic.Config())
		}
		sent := ""
		for _, op := range doc.Operations {
			if op.Action == "send" && op.Channel["$ref"] == "#/channels/"+id {
				sent = op.Description
			}
		}
		if topic.Owner != "" && sent != "Sent by "+topic.Owner+"." {
			t.Errorf("%s: asyncapi.yaml says %q, the catalog that %s sends it", topic.Name, sent, topic.Owner)
		}
	}
	for a := range channels {
		t.Errorf("asyncapi.yaml has channel %s that the catalog does not list", a)
	}
}
