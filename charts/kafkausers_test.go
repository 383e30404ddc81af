package charts

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/testenv/k8s"
)

type kafkaUserDoc struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Authentication struct{ Type string } `json:"authentication"`
		Authorization  struct {
			Type string `json:"type"`
			ACLs []struct {
				Resource struct {
					Type, Name, PatternType string
				} `json:"resource"`
				Operations []string `json:"operations"`
			} `json:"acls"`
		} `json:"authorization"`
	} `json:"spec"`
}

// With a Kafka user per service, each service may write only the topics it owns (the
// catalog's Owner) and the dead-letter topics of those it reads, and read only those it
// reads (the catalog's Consumes) and its own: anyone else's milestone, contract or claim
// cannot be written with its credentials. Its pods sign in as that user.
func TestEachServicesKafkaUserWritesOnlyItsOwnTopics(t *testing.T) {
	tools := k8s.K8sTools(t)
	prefix := "flevoland."
	docs := renderAs(t, tools, func(d kafkaUserDoc) string { return d.Kind }, "platform", "-n", "werkregio-flevoland",
		"-f", filepath.Join("platform", "ci", "direct-values.yaml"), "--set", "kafka.serviceUsers.enabled=true", "--set", "kafka.serviceUsers.cluster=kafka")
	users := map[string]kafkaUserDoc{}
	for _, d := range docs {
		if d.Kind == "KafkaUser" {
			users[d.Metadata.Name] = d
		}
	}
	if len(users) != len(catalog.Services) {
		t.Fatalf("%d Kafka users, want one per service", len(users))
	}
	// every topic name of the region, with its prefix as the services name it
	var topics []string
	for _, tp := range catalog.Topics {
		name := prefix + tp.Name
		if tp.Shared {
			name = "shared." + tp.Name
		}
		topics = append(topics, name, name+".dlq")
	}
	for _, s := range catalog.Services {
		u, ok := users["flevoland-"+s.Name]
		if !ok || u.Spec.Authentication.Type != "scram-sha-512" || u.Spec.Authorization.Type != "simple" || u.Metadata.Labels["strimzi.io/cluster"] != "kafka" {
			t.Fatalf("%s: %+v", s.Name, u)
		}
		may := func(op, topic string) bool {
			for _, a := range u.Spec.Authorization.ACLs {
				r := a.Resource
				if r.Type == "topic" && slices.Contains(a.Operations, op) &&
					((r.PatternType == "literal" && r.Name == topic) || (r.PatternType == "prefix" && strings.HasPrefix(topic, r.Name))) {
					return true
				}
			}
			return false
		}
		for _, topic := range topics {
			base := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(topic, prefix), "shared."), ".dlq")
			tp, _ := catalog.TopicNamed(base)
			own := tp.Owner == s.Name
			reads := own || slices.Contains(s.Consumes, base)
			dlq := strings.HasSuffix(topic, ".dlq")
			if got, want := may("Write", topic), own || (dlq && reads); got != want {
				t.Errorf("%s may write %s: %v, want %v", s.Name, topic, got, want)
			}
			if got := may("Read", topic); !dlq && got != reads {
				t.Errorf("%s may read %s: %v, want %v", s.Name, topic, got, reads)
			}
		}
	}
	for _, d := range renderDocs(t, tools, "platform", "-n", "werkregio-flevoland", "-f", filepath.Join("platform", "ci", "direct-values.yaml"),
		"--set", "kafka.serviceUsers.enabled=true", "--set", "kafka.serviceUsers.cluster=kafka") {
		if d.Kind != "Deployment" || d.Metadata.Labels["app.kubernetes.io/name"] == "portal" {
			continue
		}
		name := d.Metadata.Labels["app.kubernetes.io/name"]
		env := envOf(t, d)
		if env["KAFKA_SASL_USERNAME"] != "flevoland-"+name || env["KAFKA_SASL_PASSWORD"] != "secret:flevoland-"+name+"/password" {
			t.Errorf("%s signs in as %s (%s)", name, env["KAFKA_SASL_USERNAME"], env["KAFKA_SASL_PASSWORD"])
		}
	}
}

// envOf is a rendered Deployment's first container's environment: values, and Secret
// references as "secret:<name>/<key>".
func envOf(t *testing.T, d doc) map[string]string {
	t.Helper()
	out := map[string]string{}
	tmpl, _ := d.Spec["template"].(map[string]any)
	spec, _ := tmpl["spec"].(map[string]any)
	containers, _ := spec["containers"].([]any)
	if len(containers) == 0 {
		t.Fatalf("%s has no container", d.Metadata.Name)
	}
	c, _ := containers[0].(map[string]any)
	env, _ := c["env"].([]any)
	for _, raw := range env {
		e, _ := raw.(map[string]any)
		name, _ := e["name"].(string)
		if v, ok := e["value"].(string); ok {
			out[name] = v
		}
		if from, ok := e["valueFrom"].(map[string]any); ok {
			if ref, ok := from["secretKeyRef"].(map[string]any); ok {
				out[name] = "secret:" + ref["name"].(string) + "/" + ref["key"].(string)
			}
		}
	}
	return out
}
