package controller_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/services/testenv"
	kubetools "github.com/werkregio/platform/services/testenv/k8s"
)

// TestBothModesRunTheSameWorkloads renders the platform chart twice from the same values
// (every setting a region may use): in direct mode the chart's own objects, in operator mode
// the Region, which the operator turns into its objects. Both sets go through the API
// server (the direct ones as a dry run, so both carry its defaults) and are compared as a
// pod would run them: image, pull policy and secrets, the effective environment (ConfigMap
// and env, values and Secret references), mounts and their sources, probes, resources,
// security contexts, ports, replicas, and the Service, PodDisruptionBudget and
// NetworkPolicy of each service.
func TestBothModesRunTheSameWorkloads(t *testing.T) {
	t.Run("fixed replicas", func(t *testing.T) { checkParity(t) })
	t.Run("autoscaled", func(t *testing.T) {
		checkParity(t, "--set", "autoscaling.enabled=true", "--set", "autoscaling.maxReplicas=6")
	})
	t.Run("a Kafka user per service", func(t *testing.T) {
		checkParity(t, "--set", "kafka.serviceUsers.enabled=true", "--set", "kafka.serviceUsers.cluster=kafka")
	})
}

func checkParity(t *testing.T, set ...string) {
	ns := namespace(t)
	root, _ := testenv.WorkspaceRoot()
	run := asITTeam(t)
	autoscaled := slices.Contains(set, "autoscaling.enabled=true")
	ownUsers := slices.Contains(set, "kafka.serviceUsers.enabled=true")
	render := func(mode string) []*unstructured.Unstructured {
		out := run(tools.Helm, append([]string{"template", "--kube-version", kubetools.KubernetesVersion, "parity", filepath.Join(root, "charts", "platform"), "-n", ns,
			"-f", filepath.Join("testdata", "parity-values.yaml"), "--set", "mode=" + mode}, set...)...)
		var objs []*unstructured.Unstructured
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewBufferString(out), 4096)
		for {
			var u unstructured.Unstructured
			if err := dec.Decode(&u.Object); err != nil {
				break
			}
			if len(u.Object) > 0 {
				objs = append(objs, &u)
			}
		}
		return objs
	}

	// direct mode, defaulted by the API server
	direct := map[string]client.Object{}
	for _, u := range render("direct") {
		typed := typedOf(t, u)
		if typed == nil {
			continue
		}
		typed.SetNamespace(ns)
		if err := k8s.Create(ctx, typed, client.DryRunAll); err != nil {
			t.Fatalf("dry run of %s %s: %v", u.GetKind(), u.GetName(), err)
		}
		direct[u.GetKind()+"/"+u.GetName()] = typed
	}

	// operator mode: the Region, reconciled
	var region *v1.Region
	for _, u := range render("operator") {
		if u.GetKind() == "Region" {
			region = &v1.Region{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, region); err != nil {
				t.Fatal(err)
			}
		}
	}
	if region == nil {
		t.Fatal("operator mode rendered no Region")
	}
	region.Namespace = ns
	if err := k8s.Create(ctx, region); err != nil {
		t.Fatal(err)
	}
	for _, svc := range v1.ServiceNames {
		name := "parity-" + svc
		eventually(t, "children of "+name, func() bool {
			_, ok := get(t, ns, name, &networkingv1.NetworkPolicy{})
			return ok
		})
		// the Deployment against the chart's
		want, ok := direct["Deployment/"+name].(*appsv1.Deployment)
		if !ok {
			t.Fatalf("direct mode has no Deployment %s", name)
		}
		have, _ := get(t, ns, name, &appsv1.Deployment{})
		wantCM, _ := direct["ConfigMap/"+name].(*corev1.ConfigMap)
		haveCM, _ := get(t, ns, name, &corev1.ConfigMap{})
		w, wantW := workloadOf(have, haveCM), workloadOf(want, wantCM)
		if autoscaled { // the autoscaler sets the count, from the same minimum
			w.Replicas, wantW.Replicas = 0, 0
			wantHPA, _ := direct["HorizontalPodAutoscaler/"+name].(*autoscalingv2.HorizontalPodAutoscaler)
			var haveHPA *autoscalingv2.HorizontalPodAutoscaler
			eventually(t, "autoscaler "+name, func() bool {
				var ok bool
				haveHPA, ok = get(t, ns, name, &autoscalingv2.HorizontalPodAutoscaler{})
				return ok
			})
			if wantHPA == nil {
				t.Fatalf("direct mode has no HorizontalPodAutoscaler %s", name)
			}
			compare(t, name+" autoscaler", wantHPA.Spec, haveHPA.Spec)
			if haveHPA.Spec.MaxReplicas != 6 {
				t.Errorf("%s scales to %d, want 6", name, haveHPA.Spec.MaxReplicas)
			}
		}
		compare(t, name+" workload", wantW, w)
		// and both are what the values say
		credentials := map[string]string{"KAFKA_SASL_USERNAME": "secret:kafka-credentials/username", "KAFKA_SASL_PASSWORD": "secret:kafka-credentials/password"}
		if ownUsers { // the service's own user, as Strimzi makes its Secret
			credentials = map[string]string{"KAFKA_SASL_USERNAME": "parity-" + svc, "KAFKA_SASL_PASSWORD": "secret:parity-" + svc + "/password"}
		}
		for k, v := range credentials {
			if w.Env[k] != v {
				t.Errorf("%s: %s=%q, want %q", name, k, w.Env[k], v)
			}
		}
		for k, v := range map[string]string{"MONGO_TLS_CA_FILE": "/etc/werkregio/mongodb-ca/ca.crt", "MONGO_TLS_CERT_FILE": "/etc/werkregio/mongodb-client/tls.crt",
			"KAFKA_TLS_CA_FILE": "/etc/werkregio/kafka-ca/ca.crt", "KAFKA_SASL_MECHANISM": "scram-sha-512",
			"OTEL_EXPORTER_OTLP_HEADERS": "secret:otlp/headers", "OTEL_TRACES_SAMPLER_RATIO": "0.25", "MONGO_URI": "secret:mongodb/connectionString",
			"KAFKA_REPLICATION_FACTOR": "3", "LOG_LEVEL": "debug",
			// how it rides out its store and broker failing
			"REQUEST_TIMEOUT": "15s", "MONGO_WRITE_CONCERN": "2", "MONGO_OPERATION_TIMEOUT": "20s", "MONGO_SERVER_SELECTION_TIMEOUT": "4s",
			"KAFKA_WRITE_TIMEOUT": "7s", "KAFKA_WRITE_ATTEMPTS": "4", "KAFKA_SESSION_TIMEOUT": "45s", "KAFKA_REBALANCE_TIMEOUT": "40s",
			"KAFKA_HEARTBEAT_INTERVAL": "5s"} {
			if w.Env[k] != v {
				t.Errorf("%s: %s=%q, want %q", name, k, w.Env[k], v)
			}
		}
		if w.Mounts["/etc/werkregio/mongodb-client"] != "secret:mongodb-client mode 440 readOnly=true" || len(w.PullSecrets) != 1 || w.Pull != "Always" ||
			w.Lifecycle == nil || w.Lifecycle.PreStop.Sleep == nil || *w.TerminationGrace != 40 {
			t.Errorf("%s: mounts %v, pull secrets %v, policy %s, lifecycle %+v", name, w.Mounts, w.PullSecrets, w.Pull, w.Lifecycle)
		}
		if svc == v1.Providers && w.Image != "registry.flevoland.nl/werkregio/providers@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" {
			t.Errorf("providers pinned by digest runs %s", w.Image)
		}

		wantSvc, _ := direct["Service/"+name].(*corev1.Service)
		haveSvc, _ := get(t, ns, name, &corev1.Service{})
		compare(t, name+" service", []any{wantSvc.Spec.Selector, wantSvc.Spec.Ports}, []any{haveSvc.Spec.Selector, haveSvc.Spec.Ports})

		wantNP, _ := direct["NetworkPolicy/"+name].(*networkingv1.NetworkPolicy)
		haveNP, _ := get(t, ns, name, &networkingv1.NetworkPolicy{})
		if wantNP == nil {
			t.Fatalf("direct mode has no NetworkPolicy %s", name)
		}
		compare(t, name+" network policy", wantNP.Spec, haveNP.Spec)

		wantPDB, wantHas := direct["PodDisruptionBudget/"+name].(*policyv1.PodDisruptionBudget)
		havePDB, haveHas := get(t, ns, name, &policyv1.PodDisruptionBudget{})
		if wantHas != haveHas {
			t.Errorf("%s: a PodDisruptionBudget in direct mode %v, by the operator %v", name, wantHas, haveHas)
		} else if wantHas {
			compare(t, name+" disruption budget", []any{wantPDB.Spec.MaxUnavailable, wantPDB.Spec.Selector}, []any{havePDB.Spec.MaxUnavailable, havePDB.Spec.Selector})
		}
	}
}

// workload is a Deployment as its pods run it.
type workload struct {
	Replicas         int32
	Selector         map[string]string
	Image, Pull      string
	PullSecrets      []corev1.LocalObjectReference
	Env              map[string]string // name → value, or secret:<name>/<key>
	Mounts           map[string]string // path → source
	Ports            []corev1.ContainerPort
	Liveness         *corev1.Probe
	Readiness        *corev1.Probe
	Resources        corev1.ResourceRequirements
	Container        *corev1.SecurityContext
	Pod              *corev1.PodSecurityContext
	AutomountToken   *bool
	ServiceAccount   string
	TerminationGrace *int64
	Strategy         appsv1.DeploymentStrategy
	Lifecycle        *corev1.Lifecycle
	Spread           []corev1.TopologySpreadConstraint
}

func workloadOf(d *appsv1.Deployment, cm *corev1.ConfigMap) workload {
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]
	w := workload{Replicas: *d.Spec.Replicas, Selector: d.Spec.Selector.MatchLabels, Image: c.Image, Pull: string(c.ImagePullPolicy),
		PullSecrets: pod.ImagePullSecrets, Env: map[string]string{}, Mounts: map[string]string{}, Ports: c.Ports,
		Liveness: c.LivenessProbe, Readiness: c.ReadinessProbe, Resources: c.Resources, Container: c.SecurityContext,
		Pod: pod.SecurityContext, AutomountToken: pod.AutomountServiceAccountToken, ServiceAccount: pod.ServiceAccountName,
		TerminationGrace: pod.TerminationGracePeriodSeconds, Strategy: d.Spec.Strategy, Lifecycle: c.Lifecycle, Spread: pod.TopologySpreadConstraints}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil && cm != nil && from.ConfigMapRef.Name == cm.Name {
			for k, v := range cm.Data {
				w.Env[k] = v
			}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			w.Env[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		default:
			w.Env[e.Name] = e.Value
		}
	}
	volumes := map[string]string{}
	for _, v := range pod.Volumes {
		switch {
		case v.Secret != nil:
			volumes[v.Name] = fmt.Sprintf("secret:%s mode %o", v.Secret.SecretName, *v.Secret.DefaultMode)
		case v.ConfigMap != nil:
			volumes[v.Name] = "configmap:" + v.ConfigMap.Name
		case v.EmptyDir != nil:
			volumes[v.Name] = "emptydir"
		}
	}
	for _, m := range c.VolumeMounts {
		w.Mounts[m.MountPath] = fmt.Sprintf("%s readOnly=%v", volumes[m.Name], m.ReadOnly)
	}
	return w
}

func typedOf(t *testing.T, u *unstructured.Unstructured) client.Object {
	var obj client.Object
	switch u.GetKind() {
	case "Deployment":
		obj = &appsv1.Deployment{}
	case "ConfigMap":
		obj = &corev1.ConfigMap{}
	case "Service":
		obj = &corev1.Service{}
	case "NetworkPolicy":
		obj = &networkingv1.NetworkPolicy{}
	case "PodDisruptionBudget":
		obj = &policyv1.PodDisruptionBudget{}
	case "HorizontalPodAutoscaler":
		obj = &autoscalingv2.HorizontalPodAutoscaler{}
	default:
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

// compare reports every field that differs, as JSON lines.
func compare(t *testing.T, what string, want, have any) {
	t.Helper()
	if reflect.DeepEqual(want, have) {
		return
	}
	w, _ := json.MarshalIndent(want, "", " ")
	h, _ := json.MarshalIndent(have, "", " ")
	wl, hl := strings.Split(string(w), "\n"), strings.Split(string(h), "\n")
	only := func(a, b []string) []string {
		set := map[string]bool{}
		for _, l := range b {
			set[l] = true
		}
		var out []string
		for _, l := range a {
			if !set[l] {
				out = append(out, strings.TrimSpace(l))
			}
		}
		sort.Strings(out)
		return out
	}
	t.Errorf("%s differs:\n  direct mode only:   %v\n  operator mode only: %v", what, only(wl, hl), only(hl, wl))
}
