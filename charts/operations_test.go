package charts

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/testenv/k8s"
)

// The metrics the services expose (kit: http, messaging, outbox, process; payments and
// providers: their gauges; tested on /metrics in those modules). Alerts and dashboards may
// use only these: a renamed metric would leave an alert silent.
var knownMetrics = []string{
	"up",
	"http_server_request_duration_seconds_count", "http_server_request_duration_seconds_bucket",
	"werkregio_messaging_consumer_lag", "messaging_client_consumed_messages_total",
	"werkregio_messaging_dead_lettered_total", "werkregio_messaging_retries_total", "werkregio_messaging_panics_total",
	"werkregio_messaging_dead_letters_open", "werkregio_messaging_stuck", "werkregio_dependency_waiting",
	"werkregio_outbox_lag_seconds", "werkregio_outbox_parked_now",
	"werkregio_payments_tranches_held", "werkregio_payments_budget_free_ratio",
	"werkregio_providers_certificates",
	"process_resident_memory_bytes", "process_cpu_seconds_total",
}

var metricInExpr = regexp.MustCompile(`\b([a-z_]+)\{`)

func checkExpr(t *testing.T, where, expr string) {
	t.Helper()
	found := metricInExpr.FindAllStringSubmatch(expr, -1)
	if len(found) == 0 {
		t.Errorf("%s: no metric in %q", where, expr)
	}
	for _, m := range found {
		if !slices.Contains(knownMetrics, m[1]) {
			t.Errorf("%s: %s is no metric the services expose", where, m[1])
		}
	}
}

type doc struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec map[string]any    `json:"spec"`
	Data map[string]string `json:"data"`
}

func renderDocs(t *testing.T, tools k8s.Tools, args ...string) []doc {
	t.Helper()
	return renderAs(t, tools, func(d doc) string { return d.Kind }, args...)
}

// With monitoring on, a region gets a ServiceMonitor that selects every service's Service,
// alert rules of which each names its entry in RUNBOOK.md and uses only metrics the
// services expose, and a dashboard per service and one for the region, valid for Grafana.
func TestMonitoringAlertsHaveRunbooksAndUseRealMetrics(t *testing.T) {
	tools := k8s.K8sTools(t)
	docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml",
		"--set", "monitoring.serviceMonitor.enabled=true", "--set", "monitoring.prometheusRule.enabled=true", "--set", "monitoring.dashboards.enabled=true")
	runbook, err := os.ReadFile("platform/RUNBOOK.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(runbook), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			anchors[strings.ToLower(h)] = true
		}
	}
	var alerts, dashboards int
	var selector map[string]any
	var services []doc
	for _, d := range docs {
		switch d.Kind {
		case "Service":
			services = append(services, d)
		case "ServiceMonitor":
			selector = d.Spec["selector"].(map[string]any)["matchLabels"].(map[string]any)
		case "PrometheusRule":
			for _, g := range d.Spec["groups"].([]any) {
				for _, r := range g.(map[string]any)["rules"].([]any) {
					rule := r.(map[string]any)
					name := rule["alert"].(string)
					alerts++
					checkExpr(t, name, rule["expr"].(string))
					url, _ := rule["annotations"].(map[string]any)["runbook_url"].(string)
					_, anchor, _ := strings.Cut(url, "#")
					if !anchors[anchor] || anchor != strings.ToLower(name) {
						t.Errorf("%s: runbook_url %q has no entry in RUNBOOK.md", name, url)
					}
					if sev := rule["labels"].(map[string]any)["severity"]; sev == nil {
						t.Errorf("%s has no severity", name)
					}
				}
			}
		case "ConfigMap":
			if d.Metadata.Labels["grafana_dashboard"] != "1" {
				continue
			}
			for file, raw := range d.Data {
				dashboards++
				var dash struct {
					UID    string `json:"uid"`
					Title  string `json:"title"`
					Panels []struct {
						Title   string                  `json:"title"`
						Targets []struct{ Expr string } `json:"targets"`
					} `json:"panels"`
				}
				if err := json.Unmarshal([]byte(raw), &dash); err != nil || dash.UID == "" || len(dash.Panels) < 5 {
					t.Errorf("dashboard %s: %v, uid %q, %d panels", file, err, dash.UID, len(dash.Panels))
				}
				for _, p := range dash.Panels {
					for _, tg := range p.Targets {
						checkExpr(t, file+": "+p.Title, tg.Expr)
					}
				}
			}
		}
	}
	if alerts < 10 || dashboards != 6 || len(anchors) != alerts {
		t.Errorf("%d alerts, %d runbook entries, %d dashboards (want one per service and one for the region)", alerts, len(anchors), dashboards)
	}
	if len(services) != 6 || selector == nil { // five services and the portal
		t.Fatalf("%d services, selector %v", len(services), selector)
	}
	for _, s := range services {
		for k, v := range selector {
			if s.Metadata.Labels[k] != v {
				t.Errorf("the ServiceMonitor does not select %s (%s=%v)", s.Metadata.Name, k, v)
			}
		}
	}
}

// Exposure and autoscaling by values: an Ingress with TLS or an HTTPRoute per service with a
// host, routing to that service; an autoscaler per service, whose Deployment then leaves
// the replica count to it.
func TestIngressRoutesAndAutoscalersFollowTheValues(t *testing.T) {
	tools := k8s.K8sTools(t)
	docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml",
		"--set", "ingress.enabled=true", "--set", "ingress.className=nginx", "--set", "ingress.tlsSecret=werkregio-tls",
		"--set", "ingress.hosts.procurement=inkoop.werkregio.flevoland.nl", "--set", "ingress.hosts.sroi=sroi.werkregio.flevoland.nl",
		"--set", "httpRoute.enabled=true", "--set", "httpRoute.parentRefs[0].name=public", "--set", "httpRoute.hosts.payments=betalingen.werkregio.flevoland.nl",
		"--set", "autoscaling.enabled=true")
	kinds := map[string][]string{}
	for _, d := range docs {
		kinds[d.Kind] = append(kinds[d.Kind], d.Metadata.Name)
		switch d.Kind {
		case "Ingress":
			raw, _ := json.Marshal(d.Spec)
			if !strings.Contains(string(raw), `"secretName":"werkregio-tls"`) || !strings.Contains(string(raw), `"name":"`+d.Metadata.Name+`"`) ||
				!strings.Contains(string(raw), `"ingressClassName":"nginx"`) {
				t.Errorf("ingress %s: %s", d.Metadata.Name, raw)
			}
		case "HTTPRoute":
			if d.Metadata.Name == "flevoland-portal" {
				continue // on its public URL's host: TestThePortalRunsBesideTheServicesInBothModes
			}
			raw, _ := json.Marshal(d.Spec)
			if !strings.Contains(string(raw), `"hostnames":["betalingen.werkregio.flevoland.nl"]`) || !strings.Contains(string(raw), `"name":"flevoland-payments"`) {
				t.Errorf("route %s: %s", d.Metadata.Name, raw)
			}
		case "Deployment":
			if _, ok := d.Spec["replicas"]; ok && d.Metadata.Name != "flevoland-portal" { // the portal is not autoscaled
				t.Errorf("%s sets replicas while autoscaled", d.Metadata.Name)
			}
		}
	}
	slices.Sort(kinds["Ingress"])
	if strings.Join(kinds["Ingress"], ",") != "flevoland-portal,flevoland-procurement,flevoland-sroi" || len(kinds["HTTPRoute"]) != 2 ||
		len(kinds["HorizontalPodAutoscaler"]) != 5 || len(kinds["PodDisruptionBudget"]) != 6 {
		t.Errorf("rendered %v", kinds)
	}
}

// The portal runs beside the services in both modes: its settings from the values, its
// secrets by reference (its sessions in the region's MongoDB), the services at their in-cluster names, on the public URL's host;
// the services' NetworkPolicies (the chart's in direct mode, the operator's from the
// Region's networkPolicy.from) let its pods in, and nothing else new.
func TestThePortalRunsBesideTheServicesInBothModes(t *testing.T) {
	tools := k8s.K8sTools(t)
	docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml", "--set", "ingress.enabled=true",
		"--set", "ingress.hosts.procurement=inkoop.werkregio.flevoland.nl")
	var portal, ingress, cfg bool
	for _, d := range docs {
		raw, _ := json.Marshal(d.Spec)
		switch {
		case d.Kind == "Deployment" && d.Metadata.Name == "flevoland-portal":
			portal = true
			for _, want := range []string{`"name":"OIDC_CLIENT_SECRET","valueFrom":{"secretKeyRef":{"key":"clientSecret","name":"portal-oidc"}}`,
				`"name":"SESSION_KEY","valueFrom":{"secretKeyRef":{"key":"sessionKey","name":"portal-session"}}`, `"readOnlyRootFilesystem":true`,
				`"name":"MONGO_URI","valueFrom":{"secretKeyRef":{"key":"connectionString","name":"mongodb"}}`} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("portal deployment lacks %s: %s", want, raw)
				}
			}
		case d.Kind == "ConfigMap" && d.Metadata.Name == "flevoland-portal":
			cfg = true
			for k, v := range map[string]string{"PORTAL_PUBLIC_URL": "https://portal.werkregio.flevoland.nl", "SROI_URL": "http://flevoland-sroi",
				"PAYMENTS_URL": "http://flevoland-payments", "OIDC_CLAIM_ROLES": "realm_access.roles", "MONGO_DATABASE": "werkregio-flevoland-portal", "OIDC_CLAIM_REGION": "-",
				"OIDC_ROLE_MAP": "werkregio-inkoper=buyer,werkregio-financien=finance", "OIDC_ISSUER": "https://id.flevoland.nl/realms/werkregio"} {
				if d.Data[k] != v {
					t.Errorf("portal config %s = %q, want %q", k, d.Data[k], v)
				}
			}
		case d.Kind == "Ingress" && d.Metadata.Name == "flevoland-portal":
			ingress = strings.Contains(string(raw), `"host":"portal.werkregio.flevoland.nl"`)
		case d.Kind == "NetworkPolicy" && d.Metadata.Name == "flevoland-payments":
			if !strings.Contains(string(raw), `"podSelector":{"matchLabels":{"app.kubernetes.io/name":"portal","werkregio.nl/region":"flevoland"}}`) {
				t.Errorf("payments does not let the portal in: %s", raw)
			}
		}
	}
	if !portal || !ingress || !cfg {
		t.Errorf("portal deployment %v, config %v, ingress on its host %v", portal, cfg, ingress)
	}
	// operator mode: the Region asks the operator to let the portal in
	for _, d := range renderDocs(t, tools, "platform", "-f", "platform/ci/operator-values.yaml", "--set", "portal.enabled=true",
		"--set", "portal.publicURL=https://portal.werkregio-groningen.nl", "--set", "portal.oidc.issuer=https://login.groningen.nl",
		"--set", "portal.oidc.clientId=portal", "--set", "portal.oidc.clientSecret.name=portal-oidc", "--set", "portal.sessionKeySecret.name=portal-session") {
		if d.Kind == "Region" {
			raw, _ := json.Marshal(d.Spec["networkPolicy"])
			if !strings.Contains(string(raw), `"app.kubernetes.io/name":"portal"`) {
				t.Errorf("the Region's networkPolicy does not let the portal in: %s", raw)
			}
		}
	}
}

// Readiness (which dependency fails, with its error) and metrics (the business's volumes)
// are served on each pod's internal port only: the probes and the ServiceMonitor use it,
// only the operations peers may reach it, and no Ingress or HTTPRoute leads to it.
func TestReadinessAndMetricsAreReachableFromTheScraperOnly(t *testing.T) {
	tools := k8s.K8sTools(t)
	docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml", "--set", "ingress.enabled=true",
		"--set", "ingress.hosts.procurement=inkoop.werkregio.flevoland.nl", "--set", "monitoring.serviceMonitor.enabled=true")
	var deployments, policies int
	for _, d := range docs {
		raw, _ := json.Marshal(d.Spec)
		switch d.Kind {
		case "Deployment":
			deployments++
			for _, want := range []string{`"path":"/readyz","port":"ops"`, `"path":"/healthz","port":"ops"`, `"containerPort":9090,"name":"ops"`} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("%s lacks %s", d.Metadata.Name, want)
				}
			}
		case "NetworkPolicy":
			policies++
			var np struct {
				Ingress []struct {
					From  []map[string]any     `json:"from"`
					Ports []struct{ Port any } `json:"ports"`
				} `json:"ingress"`
			}
			_ = json.Unmarshal(raw, &np)
			for _, rule := range np.Ingress {
				from, _ := json.Marshal(rule.From)
				if rule.Ports[0].Port == "ops" && (strings.Contains(string(from), "ingress-nginx") || strings.Contains(string(from), "portal")) {
					t.Errorf("%s lets the ingress or the portal read readiness and metrics: %s", d.Metadata.Name, from)
				}
				if rule.Ports[0].Port == "http" && strings.Contains(string(from), "monitoring") {
					t.Errorf("%s lets the scraper call the API: %s", d.Metadata.Name, from)
				}
			}
		case "Ingress", "HTTPRoute":
			if strings.Contains(string(raw), "9090") || strings.Contains(string(raw), `"ops"`) {
				t.Errorf("%s %s routes to the internal port: %s", d.Kind, d.Metadata.Name, raw)
			}
		case "ServiceMonitor":
			if !strings.Contains(string(raw), `"path":"/metrics","port":"ops"`) {
				t.Errorf("the ServiceMonitor does not scrape the internal port: %s", raw)
			}
		}
	}
	if deployments < 6 || policies < 6 {
		t.Errorf("%d deployments, %d network policies: want the five services and the portal", deployments, policies)
	}
}

// What the services do when their database or broker goes away (docs/operations.md) holds
// only if Kubernetes' timings agree with theirs: readiness answers within the probe's
// timeout, liveness never looks at a dependency (no restart loop during an outage the
// service rides out), a stopping pod finishes the requests it took before it is killed, a
// request learns that no primary answers before its own deadline, a consumer heart-beats
// often enough to keep its partitions through a broker roll, and a service of more than
// one replica keeps all but one through a node drain.
func TestProbesAndTimeoutsAgreeWithHowTheServicesRideOutFailures(t *testing.T) {
	tools := k8s.K8sTools(t)
	const (
		readyzBudget    = 1500 * time.Millisecond // httpserver: every check at once, bounded
		shutdownTimeout = 20 * time.Second        // kit/service: SHUTDOWN_TIMEOUT's default
	)
	docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml", "--set", "services.payments.replicas=2")
	config := map[string]map[string]string{}
	budgets := map[string]bool{}
	for _, d := range docs {
		switch d.Kind {
		case "ConfigMap":
			config[d.Metadata.Name] = d.Data
		case "PodDisruptionBudget":
			if d.Spec["maxUnavailable"] != float64(1) {
				t.Errorf("%s: maxUnavailable %v, want 1", d.Metadata.Name, d.Spec["maxUnavailable"])
			}
			budgets[d.Metadata.Name] = true
		}
	}
	seconds := func(v any) time.Duration { f, _ := v.(float64); return time.Duration(f) * time.Second }
	for _, d := range docs {
		if d.Kind != "Deployment" || d.Metadata.Name == "flevoland-portal" {
			continue
		}
		name := d.Metadata.Name
		env := config[name]
		duration := func(key string) time.Duration {
			v, err := time.ParseDuration(env[key])
			if err != nil {
				t.Fatalf("%s: %s=%q: %v", name, key, env[key], err)
			}
			return v
		}
		raw, _ := json.Marshal(d.Spec)
		var spec struct {
			Replicas *int
			Template struct {
				Spec struct {
					TerminationGracePeriodSeconds float64
					Containers                    []struct {
						LivenessProbe, ReadinessProbe struct {
							HTTPGet        struct{ Path string }
							TimeoutSeconds float64
						}
						Lifecycle struct {
							PreStop struct{ Sleep struct{ Seconds float64 } }
						}
					}
				}
			}
		}
		if err := json.Unmarshal(raw, &spec); err != nil {
			t.Fatal(err)
		}
		pod := spec.Template.Spec
		c := pod.Containers[0]
		request, selection := duration("REQUEST_TIMEOUT"), duration("MONGO_SERVER_SELECTION_TIMEOUT")
		session, heartbeat := duration("KAFKA_SESSION_TIMEOUT"), duration("KAFKA_HEARTBEAT_INTERVAL")
		switch {
		case c.ReadinessProbe.HTTPGet.Path != "/readyz" || seconds(c.ReadinessProbe.TimeoutSeconds) <= readyzBudget:
			t.Errorf("%s: readiness %+v must wait longer than /readyz's %s", name, c.ReadinessProbe, readyzBudget)
		case c.LivenessProbe.HTTPGet.Path != "/healthz":
			t.Errorf("%s: liveness on %s, want /healthz (which no dependency decides)", name, c.LivenessProbe.HTTPGet.Path)
		case seconds(pod.TerminationGracePeriodSeconds) < seconds(c.Lifecycle.PreStop.Sleep.Seconds)+shutdownTimeout || request > shutdownTimeout:
			t.Errorf("%s: %s grace for a %s drain, %s shutdown and requests of %s", name, seconds(pod.TerminationGracePeriodSeconds),
				seconds(c.Lifecycle.PreStop.Sleep.Seconds), shutdownTimeout, request)
		case selection >= request:
			t.Errorf("%s: a request of %s waits %s for a primary: it cannot answer 503 in time", name, request, selection)
		case 3*heartbeat > session:
			t.Errorf("%s: heart-beats every %s for a session of %s", name, heartbeat, session)
		case env["MONGO_WRITE_CONCERN"] != "majority":
			t.Errorf("%s: write concern %q by default, want majority", name, env["MONGO_WRITE_CONCERN"])
		}
		if replicas := spec.Replicas; replicas != nil && *replicas > 1 && !budgets[name] {
			t.Errorf("%s runs %d replicas without a disruption budget", name, *replicas)
		}
	}
	if !budgets["flevoland-payments"] {
		t.Errorf("payments of two replicas has no disruption budget: %v", budgets)
	}
}

// helm test is a pod, restricted like the services, that asks every enabled service for
// /healthz and its OpenAPI document on the API port; the services' NetworkPolicies let it in
// (in direct mode the chart's, in operator mode the Region's networkPolicy.from), and a
// disabled service is not asked.
func TestHelmTestAsksEveryEnabledServiceInBothModes(t *testing.T) {
	tools := k8s.K8sTools(t)
	for _, mode := range []string{"direct", "operator"} {
		docs := renderDocs(t, tools, "platform", "-f", "platform/ci/direct-values.yaml", "--set", "mode="+mode, "--set", "services.sroi.enabled=false")
		var test *doc
		admitted := false
		for i, d := range docs {
			raw, _ := json.Marshal(d.Spec)
			switch {
			case d.Kind == "Pod" && d.Metadata.Name == "flevoland-platform-test":
				test = &docs[i]
			case d.Kind == "NetworkPolicy" && d.Metadata.Name == "flevoland-payments", d.Kind == "Region":
				admitted = admitted || strings.Contains(string(raw), `"app.kubernetes.io/name":"platform-test"`)
			}
		}
		if test == nil {
			t.Fatalf("%s mode renders no test pod", mode)
		}
		raw, _ := json.Marshal(test.Spec)
		for _, svc := range []string{"procurement", "providers", "participants", "payments"} {
			for _, path := range []string{"/healthz", "/api/v1/openapi.json"} {
				if !strings.Contains(string(raw), "http://flevoland-"+svc+path) {
					t.Errorf("%s mode: the test does not ask %s for %s", mode, svc, path)
				}
			}
		}
		if strings.Contains(string(raw), "flevoland-sroi") || !strings.Contains(string(raw), `"runAsNonRoot":true`) ||
			!strings.Contains(string(raw), `"readOnlyRootFilesystem":true`) || !admitted {
			t.Errorf("%s mode: test pod %s, admitted by the policies %v", mode, raw, admitted)
		}
	}
}
