package charts

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/werkregio/platform/services/testenv/k8s"
)

type rbacDoc struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Rules []struct {
		Resources     []string `json:"resources"`
		ResourceNames []string `json:"resourceNames"`
		Verbs         []string `json:"verbs"`
	} `json:"rules"`
	Subjects []struct {
		Name, Namespace string
	} `json:"subjects"`
}

func rendered(t *testing.T, tools k8s.Tools, args ...string) []rbacDoc {
	t.Helper()
	return renderAs(t, tools, func(d rbacDoc) string { return d.Kind }, args...)
}

// renderAs is helm template of a chart, each object decoded as T (kind says which are objects).
func renderAs[T any](t *testing.T, tools k8s.Tools, kind func(T) string, args ...string) []T {
	t.Helper()
	out, err := helm(t, tools, append([]string{"template", "release"}, args...)...)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	var docs []T
	for _, part := range strings.Split(out, "\n---") {
		var d T
		if yaml.Unmarshal([]byte(part), &d) == nil && kind(d) != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// The operator holds no right on Secrets across the cluster; a region's namespace lets it
// get the Secrets it needs (the Kafka credentials and CA), by name, and nothing else.
func TestTheOperatorReadsOnlyTheSecretsARegionGrantsIt(t *testing.T) {
	tools := k8s.K8sTools(t)
	for _, d := range rendered(t, tools, "region-operator", "-n", "werkregio-system", "-f", valuesFiles(t, "region-operator")[0]) {
		if d.Kind != "ClusterRole" {
			continue
		}
		for _, r := range d.Rules {
			if slices.Contains(r.Resources, "secrets") {
				t.Errorf("the operator's ClusterRole %s has a rule on secrets: %+v", d.Metadata.Name, r)
			}
		}
	}
	docs := rendered(t, tools, "platform", "-n", "werkregio-groningen", "-f", filepath.Join("platform", "ci", "operator-values.yaml"))
	var role, binding *rbacDoc
	for i, d := range docs {
		switch d.Kind {
		case "Role":
			role = &docs[i]
		case "RoleBinding":
			binding = &docs[i]
		case "ClusterRole", "ClusterRoleBinding":
			t.Errorf("a region's release renders a %s", d.Kind)
		}
	}
	if role == nil || binding == nil || len(role.Rules) != 1 || strings.Join(role.Rules[0].ResourceNames, ",") != "kafka-credentials,kafka-cluster-ca-cert" ||
		strings.Join(role.Rules[0].Verbs, ",") != "get" || role.Metadata.Namespace != "werkregio-groningen" {
		t.Fatalf("want a Role to get the Kafka credentials and the cluster's CA only: %+v", role)
	}
	if len(binding.Subjects) != 1 || binding.Subjects[0].Name != "region-operator" || binding.Subjects[0].Namespace != "werkregio-system" {
		t.Fatalf("the Role is bound to %+v, want the operator's service account", binding.Subjects)
	}
	// without Kafka credentials there is nothing to read: no Role at all
	for _, d := range rendered(t, tools, "platform", "-n", "werkregio", "-f", filepath.Join("platform", "ci", "minimal-values.yaml")) {
		if d.Kind == "Role" || d.Kind == "RoleBinding" {
			t.Errorf("a %s without a Secret to read", d.Kind)
		}
	}
}

// In direct mode each enabled service accepts HTTP only from the configured peers (the
// ingress and the metrics scraper), on its http port.
func TestEveryServiceHasANetworkPolicy(t *testing.T) {
	tools := k8s.K8sTools(t)
	out, err := helm(t, tools, "template", "release", "platform", "-n", "werkregio-flevoland", "-f", filepath.Join("platform", "ci", "direct-values.yaml"))
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	policies := map[string]bool{}
	for _, part := range strings.Split(out, "\n---") {
		var np struct {
			Kind string `json:"kind"`
			Spec struct {
				PodSelector struct {
					MatchLabels map[string]string `json:"matchLabels"`
				} `json:"podSelector"`
				PolicyTypes []string `json:"policyTypes"`
				Ingress     []struct {
					From  []map[string]any `json:"from"`
					Ports []struct {
						Port any `json:"port"`
					} `json:"ports"`
				} `json:"ingress"`
			} `json:"spec"`
		}
		if yaml.Unmarshal([]byte(part), &np) != nil || np.Kind != "NetworkPolicy" {
			continue
		}
		name := np.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"]
		// the configured peers to the API; a service also lets in the portal's pods (it
		// calls the APIs) and the helm test's pod; the scraper to readiness and metrics only
		peers := 3
		if name == "portal" {
			peers = 1
		} else if raw, _ := json.Marshal(np.Spec.Ingress[0].From); !strings.Contains(string(raw), `"app.kubernetes.io/name":"platform-test"`) {
			t.Errorf("%s does not let the helm test in: %s", name, raw)
		}
		if len(np.Spec.Ingress) != 2 || len(np.Spec.Ingress[0].From) != peers || len(np.Spec.Ingress[0].Ports) != 1 ||
			np.Spec.Ingress[0].Ports[0].Port != "http" || strings.Join(np.Spec.PolicyTypes, ",") != "Ingress" ||
			len(np.Spec.Ingress[1].From) != 1 || len(np.Spec.Ingress[1].Ports) != 1 || np.Spec.Ingress[1].Ports[0].Port != "ops" {
			t.Errorf("%s: %+v", name, np.Spec)
		}
		policies[name] = true
	}
	for _, svc := range []string{"procurement", "providers", "participants", "payments", "sroi"} {
		if !policies[svc] {
			t.Errorf("%s has no NetworkPolicy", svc)
		}
	}
}

// The operator's metrics are HTTPS, for callers the API server authenticates and lets get
// /metrics (kubebuilder's secure metrics): the operator may ask the API server about a
// token and an access, the metrics-reader role grants that one URL, bound to the scrapers
// the values name, and no plain-HTTP metrics port is left.
func TestTheOperatorsMetricsAreForAuthorisedScrapersOnly(t *testing.T) {
	tools := k8s.K8sTools(t)
	out, err := helm(t, tools, "template", "release", "region-operator", "-n", "werkregio-system",
		"--set", "metrics.readers[0].name=prometheus-k8s", "--set", "metrics.readers[0].namespace=monitoring")
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	for _, want := range []string{"--metrics-bind-address=:8443", "containerPort: 8443", `nonResourceURLs: ["/metrics"]`,
		"name: prometheus-k8s", "- tokenreviews", "- subjectaccessreviews"} {
		if !strings.Contains(out, want) {
			t.Errorf("the operator's chart lacks %q", want)
		}
	}
	if strings.Contains(out, ":8080") {
		t.Error("a plain-HTTP metrics port is left")
	}
}
