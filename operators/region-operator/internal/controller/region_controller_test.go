package controller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"

	"github.com/segmentio/kafka-go"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
	"github.com/werkregio/platform/services/testenv/embedded"
)

var ctx = context.Background()

// region is a valid Region on the embedded Kafka with a unique topic prefix.
func region(t testing.TB, ns, name string) *v1.Region {
	infra := embedded.Shared(t)
	return &v1.Region{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1.RegionSpec{
			Code: "groningen", DisplayName: "Arbeidsmarktregio Groningen", Municipalities: []string{"Groningen", "Eemsdelta"},
			Kafka:            v1.KafkaSpec{BootstrapServers: []string{infra.Kafka}, TopicPrefix: strings.ToLower(ns + "-" + name + "."), Partitions: 2},
			MongoDB:          v1.MongoDBSpec{URISecretRef: corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "mongo"}, Key: "uri"}},
			Auth:             v1.AuthSpec{Issuer: "https://login.groningen.nl", JWKSURL: "https://login.groningen.nl/jwks.json"},
			BSNKeysSecretRef: &corev1.LocalObjectReference{Name: "bsn-keys"},
			EventKeys: &v1.EventKeysSpec{SecretRef: corev1.LocalObjectReference{Name: "event-keys"},
				PublicKeysConfigMapRef: corev1.LocalObjectReference{Name: "event-keys-public"}},
		},
	}
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get[T client.Object](t testing.TB, ns, name string, obj T) (T, bool) {
	t.Helper()
	err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)
	if apierrors.IsNotFound(err) {
		return obj, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return obj, true
}

func fresh(t *testing.T, r *v1.Region) *v1.Region {
	t.Helper()
	out, ok := get(t, r.Namespace, r.Name, &v1.Region{})
	if !ok {
		t.Fatalf("region %s gone", r.Name)
	}
	return out
}

func condition(t *testing.T, r *v1.Region, typ string) *metav1.Condition {
	return meta.FindStatusCondition(fresh(t, r).Status.Conditions, typ)
}

// makeAvailable plays the deployment controller (envtest runs none): it reports every
// replica of the Deployment's current generation available.
func makeAvailable(t testing.TB, d *appsv1.Deployment, available bool) {
	t.Helper()
	eventually(t, "status of "+d.Name, func() bool {
		cur, ok := get(t, d.Namespace, d.Name, &appsv1.Deployment{})
		if !ok {
			return false
		}
		n := *cur.Spec.Replicas
		status := corev1.ConditionTrue
		if !available {
			status, n = corev1.ConditionFalse, 0
		}
		cur.Status = appsv1.DeploymentStatus{ObservedGeneration: cur.Generation, Replicas: *cur.Spec.Replicas, UpdatedReplicas: *cur.Spec.Replicas,
			ReadyReplicas: n, AvailableReplicas: n,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: status, Reason: "Test", LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}
		return k8s.Status().Update(ctx, cur) == nil
	})
}

func TestChildrenAreCreatedOwnedAndLockedDown(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "groningen")
	if err := k8s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, svc := range v1.ServiceNames {
		name := "groningen-" + svc
		var d *appsv1.Deployment
		eventually(t, "deployment "+name, func() bool {
			var ok bool
			d, ok = get(t, ns, name, &appsv1.Deployment{})
			return ok
		})
		if !metav1.IsControlledBy(d, fresh(t, r)) {
			t.Errorf("%s is not controlled by the region", name)
		}
		c := d.Spec.Template.Spec.Containers[0]
		if c.Image != "registry.test/werkregio/"+svc+":test" || c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
			t.Errorf("%s: image %s, probes %v %v", name, c.Image, c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path)
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s: resources %v, want requests and a memory limit by default", name, c.Resources)
		}
		if !*c.SecurityContext.ReadOnlyRootFilesystem || *c.SecurityContext.AllowPrivilegeEscalation || !*d.Spec.Template.Spec.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: container not locked down", name)
		}
		secrets := map[string]string{}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				secrets[e.Name] = e.ValueFrom.SecretKeyRef.Name
				// each service gets its own event signing key, no other's
				if e.Name == "EVENT_SIGNING_KEY" && (e.ValueFrom.SecretKeyRef.Name != "event-keys" || e.ValueFrom.SecretKeyRef.Key != svc) {
					t.Errorf("%s: signs with %s/%s", name, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
				}
			}
			if e.Value != "" && (e.Name == "MONGO_URI" || strings.HasPrefix(e.Name, "BSN_")) {
				t.Errorf("%s: secret %s in plain text", name, e.Name)
			}
		}
		if secrets["MONGO_URI"] != "mongo" || (svc == v1.Participants) != (secrets["BSN_ENCRYPTION_KEY"] == "bsn-keys") || secrets["EVENT_SIGNING_KEY"] != "event-keys" {
			t.Errorf("%s: secret references %v", name, secrets)
		}
		cm, ok := get(t, ns, name, &corev1.ConfigMap{})
		if !ok || !metav1.IsControlledBy(cm, fresh(t, r)) {
			t.Fatalf("configmap %s missing or not owned", name)
		}
		if cm.Data["REGION"] != "groningen" || cm.Data["MONGO_DATABASE"] != "werkregio-groningen-"+svc || cm.Data["KAFKA_TOPIC_PARTITIONS"] != "2" ||
			cm.Data["AUTH_JWKS_URL"] == "" || cm.Data["KAFKA_TOPIC_PREFIX"] != r.Spec.Kafka.TopicPrefix {
			t.Errorf("configmap %s: %v", name, cm.Data)
		}
		s, ok := get(t, ns, name, &corev1.Service{})
		if !ok || !metav1.IsControlledBy(s, fresh(t, r)) || s.Spec.Selector["app.kubernetes.io/name"] != svc {
			t.Errorf("service %s missing, not owned or selecting wrongly", name)
		}
		if _, ok := get(t, ns, name, &policyv1.PodDisruptionBudget{}); ok {
			t.Errorf("%s: a PDB for one replica", name)
		}
	}
	eventually(t, "TopicsReady", func() bool {
		c := condition(t, r, controller.ConditionTopicsReady)
		return c != nil && c.Status == metav1.ConditionTrue
	})
	want := controller.RegionTopics(r.Spec.Kafka.TopicPrefix)
	conn, err := kafka.Dial("tcp", r.Spec.Kafka.BootstrapServers[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions(want...)
	if err != nil {
		t.Fatal(err)
	}
	perTopic := map[string]int{}
	for _, p := range parts {
		perTopic[p.Topic]++
	}
	if len(perTopic) != len(want) || perTopic[want[0]] != 2 || fresh(t, r).Status.Topics != int32(len(want)) {
		t.Fatalf("%d of %d topics, %d partitions", len(perTopic), len(want), perTopic[want[0]])
	}
	ready := condition(t, r, controller.ConditionReady)
	if ready.Status != metav1.ConditionFalse || ready.Reason != "ServicesStarting" { // starting, not failed: no Deployment has run yet
		t.Errorf("ready before any deployment is available: %+v", ready)
	}
	if fresh(t, r).Status.ObservedGeneration != fresh(t, r).Generation {
		t.Error("observedGeneration not set")
	}
	// What the operator did is told as Kubernetes Events on the Region.
	eventually(t, "events", func() bool {
		var evs eventsv1.EventList
		if err := k8s.List(ctx, &evs, client.InNamespace(ns)); err != nil {
			return false
		}
		created := 0
		for _, e := range evs.Items {
			if e.Regarding.Kind == "Region" && e.Regarding.Name == "groningen" && e.Reason == "Created" {
				for _, kind := range []string{"ConfigMap groningen-", "Deployment groningen-", "Service groningen-"} {
					created += strings.Count(e.Note, kind)
				}
			}
		}
		return created >= 15 // a ConfigMap, Deployment and Service per service
	})
}

// allAvailable makes every Deployment of the region available and waits for Ready.
func allAvailable(t *testing.T, r *v1.Region) {
	t.Helper()
	for _, svc := range v1.ServiceNames {
		makeAvailable(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: r.Namespace, Name: r.Name + "-" + svc}}, true)
	}
	eventually(t, "Ready", func() bool {
		c := condition(t, r, controller.ConditionReady)
		return c != nil && c.Status == metav1.ConditionTrue
	})
}

func createAndWait(t *testing.T, r *v1.Region) {
	t.Helper()
	if err := k8s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, "children of "+r.Name, func() bool {
		_, ok := get(t, r.Namespace, r.Name+"-sroi", &appsv1.Deployment{})
		return ok
	})
}

func TestStatusConditionsFollowTheDeployments(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "flevoland")
	createAndWait(t, r)
	allAvailable(t, r)
	for _, svc := range v1.ServiceNames {
		if c := condition(t, r, controller.AvailableCondition(svc)); c == nil || c.Status != metav1.ConditionTrue {
			t.Errorf("%s: %+v", controller.AvailableCondition(svc), c)
		}
	}
	if c := condition(t, r, controller.ConditionDegraded); c.Status != metav1.ConditionFalse {
		t.Errorf("degraded while ready: %+v", c)
	}
	makeAvailable(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "flevoland-payments"}}, false)
	eventually(t, "not ready when payments fails", func() bool {
		c := condition(t, r, controller.ConditionReady)
		return c.Status == metav1.ConditionFalse && strings.Contains(c.Message, "payments")
	})
	if c := condition(t, r, controller.ConditionDegraded); c.Status != metav1.ConditionTrue || c.Reason != "ServicesUnavailable" {
		t.Errorf("degraded: %+v", c)
	}
	if c := condition(t, r, "PaymentsAvailable"); c.Status != metav1.ConditionFalse {
		t.Errorf("PaymentsAvailable: %+v", c)
	}
}

func update(t *testing.T, r *v1.Region, change func(*v1.Region)) {
	t.Helper()
	eventually(t, "update "+r.Name, func() bool {
		cur := fresh(t, r)
		change(cur)
		return k8s.Update(ctx, cur) == nil
	})
}

func TestSpecChangesRollOut(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "rivierenland")
	createAndWait(t, r)
	before, _ := get(t, ns, "rivierenland-procurement", &appsv1.Deployment{})
	hash := before.Spec.Template.Annotations["werkregio.nl/config-hash"]

	update(t, r, func(r *v1.Region) {
		r.Spec.LogLevel = "debug"
		r.Spec.Services.Procurement.Replicas = ptr.To[int32](3)
		r.Spec.Services.Procurement.Image = "registry.test/werkregio/procurement:v2"
		r.Spec.Services.Procurement.Env = []corev1.EnvVar{{Name: "OUTBOX_POLL_INTERVAL", Value: "1s"}}
	})
	eventually(t, "rolled out", func() bool {
		d, _ := get(t, ns, "rivierenland-procurement", &appsv1.Deployment{})
		cm, _ := get(t, ns, "rivierenland-procurement", &corev1.ConfigMap{})
		c := d.Spec.Template.Spec.Containers[0]
		return cm.Data["LOG_LEVEL"] == "debug" && d.Spec.Template.Annotations["werkregio.nl/config-hash"] != hash &&
			*d.Spec.Replicas == 3 && c.Image == "registry.test/werkregio/procurement:v2" && c.Env[len(c.Env)-1].Name == "OUTBOX_POLL_INTERVAL"
	})
	eventually(t, "a PDB for three replicas", func() bool {
		p, ok := get(t, ns, "rivierenland-procurement", &policyv1.PodDisruptionBudget{})
		return ok && metav1.IsControlledBy(p, fresh(t, r))
	})
	update(t, r, func(r *v1.Region) { r.Spec.Services.Procurement.Replicas = ptr.To[int32](1) })
	eventually(t, "PDB removed at one replica", func() bool {
		_, ok := get(t, ns, "rivierenland-procurement", &policyv1.PodDisruptionBudget{})
		return !ok
	})
}

func TestDriftOfAChildIsReverted(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "twente")
	createAndWait(t, r)
	d, _ := get(t, ns, "twente-providers", &appsv1.Deployment{})
	d.Spec.Template.Spec.Containers[0].Image = "evil/providers:latest"
	d.Spec.Replicas = ptr.To[int32](7)
	if err := k8s.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	cm, _ := get(t, ns, "twente-providers", &corev1.ConfigMap{})
	cm.Data["REGION"] = "elsewhere"
	if err := k8s.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	eventually(t, "drift reverted", func() bool {
		d, _ := get(t, ns, "twente-providers", &appsv1.Deployment{})
		cm, _ := get(t, ns, "twente-providers", &corev1.ConfigMap{})
		return d.Spec.Template.Spec.Containers[0].Image == "registry.test/werkregio/providers:test" && *d.Spec.Replicas == 1 && cm.Data["REGION"] == "groningen"
	})
	if err := k8s.Delete(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "twente-providers"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deleted service recreated", func() bool {
		_, ok := get(t, ns, "twente-providers", &corev1.Service{})
		return ok
	})
}

// The operator's informers see only objects with its label; a child made by someone else
// (before the Region, or with the label stripped) is adopted, not fought over.
func TestChildrenOutsideTheCacheAreAdopted(t *testing.T) {
	ns := namespace(t)
	if err := k8s.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "achterhoek-payments"},
		Data: map[string]string{"REGION": "by hand"}}); err != nil {
		t.Fatal(err)
	}
	r := region(t, ns, "achterhoek")
	createAndWait(t, r)
	eventually(t, "hand-made ConfigMap adopted", func() bool {
		cm, _ := get(t, ns, "achterhoek-payments", &corev1.ConfigMap{})
		return cm.Data["REGION"] == "groningen" && cm.Labels["app.kubernetes.io/managed-by"] == "werkregio-region-operator" && metav1.IsControlledBy(cm, fresh(t, r))
	})
	svc, _ := get(t, ns, "achterhoek-sroi", &corev1.Service{})
	svc.Labels = nil
	if err := k8s.Update(ctx, svc); err != nil {
		t.Fatal(err)
	}
	eventually(t, "label put back", func() bool {
		svc, _ := get(t, ns, "achterhoek-sroi", &corev1.Service{})
		return svc.Labels["app.kubernetes.io/managed-by"] == "werkregio-region-operator"
	})
}

func TestDisablingAServiceRemovesItsChildren(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "drenthe")
	r.Spec.Services.Sroi.Replicas = ptr.To[int32](2)
	createAndWait(t, r)
	update(t, r, func(r *v1.Region) { r.Spec.Services.Sroi.Enabled = ptr.To(false) })
	eventually(t, "sroi children removed", func() bool {
		_, d := get(t, ns, "drenthe-sroi", &appsv1.Deployment{})
		_, s := get(t, ns, "drenthe-sroi", &corev1.Service{})
		_, c := get(t, ns, "drenthe-sroi", &corev1.ConfigMap{})
		_, p := get(t, ns, "drenthe-sroi", &policyv1.PodDisruptionBudget{})
		return !d && !s && !c && !p
	})
	if c := condition(t, r, "SroiAvailable"); c != nil {
		t.Errorf("condition of a disabled service kept: %+v", c)
	}
	if _, ok := get(t, ns, "drenthe-payments", &appsv1.Deployment{}); !ok {
		t.Error("another service's deployment went too")
	}
}

func TestTopicCreationIsIdempotent(t *testing.T) {
	k := controller.KafkaTarget{Brokers: []string{embedded.Shared(t).Kafka}, Prefix: "idem" + time.Now().Format("150405.000000") + ".", Partitions: 3, ReplicationFactor: 1}
	for i := range 3 {
		n, err := controller.KafkaTopics{}.Ensure(ctx, k)
		if err != nil || n != len(controller.RegionTopics(k.Prefix)) {
			t.Fatalf("ensure %d: %d topics, %v", i, n, err)
		}
	}
}

func topicsExist(t *testing.T, brokers []string, prefix string) int {
	n := 0
	c := &kafka.Client{Addr: kafka.TCP(brokers...)}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: controller.RegionTopics(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range md.Topics {
		if tp.Error == nil {
			n++
		}
	}
	return n
}

func TestDeletionKeepsTopicsUnlessAskedAndTheFinalizerLetsGo(t *testing.T) {
	ns := namespace(t)
	keep, drop := region(t, ns, "keep"), region(t, ns, "drop")
	drop.Spec.Kafka.DeleteTopicsOnDelete = true
	for _, r := range []*v1.Region{keep, drop} {
		createAndWait(t, r)
		eventually(t, "topics of "+r.Name, func() bool {
			c := condition(t, r, controller.ConditionTopicsReady)
			return c != nil && c.Status == metav1.ConditionTrue
		})
		if got := fresh(t, r).Finalizers; len(got) != 1 || got[0] != controller.Finalizer {
			t.Fatalf("finalizers %v", got)
		}
		if err := k8s.Delete(ctx, r); err != nil {
			t.Fatal(err)
		}
		eventually(t, r.Name+" deleted", func() bool {
			_, ok := get(t, ns, r.Name, &v1.Region{})
			return !ok
		})
	}
	all := len(controller.RegionTopics(keep.Spec.Kafka.TopicPrefix))
	if n := topicsExist(t, keep.Spec.Kafka.BootstrapServers, keep.Spec.Kafka.TopicPrefix); n != all {
		t.Errorf("kept region: %d of %d topics left", n, all)
	}
	if n := topicsExist(t, drop.Spec.Kafka.BootstrapServers, drop.Spec.Kafka.TopicPrefix); n != 0 {
		t.Errorf("region asking for deletion: %d topics left", n)
	}
	// Children carry the owner reference the garbage collector follows (envtest runs none).
	d, _ := get(t, ns, "keep-procurement", &appsv1.Deployment{})
	if len(d.OwnerReferences) != 1 || d.OwnerReferences[0].Kind != "Region" || !*d.OwnerReferences[0].BlockOwnerDeletion {
		t.Errorf("owner references %+v", d.OwnerReferences)
	}
}

func TestTheAPIServerRejectsInvalidSpecs(t *testing.T) {
	ns := namespace(t)
	cases := map[string]func(*v1.Region){
		"code with capitals":             func(r *v1.Region) { r.Spec.Code = "Groningen" },
		"no bootstrap servers":           func(r *v1.Region) { r.Spec.Kafka.BootstrapServers = nil },
		"broker without port":            func(r *v1.Region) { r.Spec.Kafka.BootstrapServers = []string{"kafka"} },
		"zero partitions":                func(r *v1.Region) { r.Spec.Kafka.Partitions = -1 },
		"51 replicas":                    func(r *v1.Region) { r.Spec.Services.Payments.Replicas = ptr.To[int32](51) },
		"unknown log level":              func(r *v1.Region) { r.Spec.LogLevel = "verbose" },
		"both JWKS URL and keys":         func(r *v1.Region) { r.Spec.Auth.KeysConfigMapRef = &corev1.LocalObjectReference{Name: "jwks"} },
		"neither JWKS URL nor keys":      func(r *v1.Region) { r.Spec.Auth.JWKSURL = "" },
		"participants without BSN keys":  func(r *v1.Region) { r.Spec.BSNKeysSecretRef = nil },
		"sampling above 100 percent":     func(r *v1.Region) { r.Spec.Telemetry.SamplingPercent = ptr.To[int32](101) },
		"OTLP endpoint that is no URL":   func(r *v1.Region) { r.Spec.Telemetry.OTLPEndpoint = "collector:4318" },
		"no display name":                func(r *v1.Region) { r.Spec.DisplayName = "" },
		"database name with a slash":     func(r *v1.Region) { r.Spec.Services.Sroi.Database = "a/b" },
		"no MongoDB secret key selector": func(r *v1.Region) { r.Spec.MongoDB.URISecretRef = corev1.SecretKeySelector{} },
	}
	for name, mutate := range cases {
		r := region(t, ns, "invalid")
		mutate(r)
		err := k8s.Create(ctx, r)
		if err == nil {
			_ = k8s.Delete(ctx, r)
			t.Errorf("%s: accepted", name)
			continue
		}
		if !apierrors.IsInvalid(err) {
			t.Errorf("%s: %v, want an Invalid error", name, err)
		}
	}
	ok := region(t, ns, "valid")
	ok.Spec.Services.Participants.Enabled = ptr.To(false)
	ok.Spec.BSNKeysSecretRef = nil
	if err := k8s.Create(ctx, ok); err != nil {
		t.Fatalf("participants disabled, no BSN keys: %v", err)
	}
	var err error
	for range 20 { // the operator updates it too (finalizer, status): retry on conflicts
		cur := fresh(t, ok)
		cur.Spec.Code = "drenthe"
		if err = k8s.Update(ctx, cur); !apierrors.IsConflict(err) {
			break
		}
	}
	if !apierrors.IsInvalid(err) {
		t.Errorf("code change: %v, want Invalid (immutable)", err)
	}
}

// Topics are reconciled, not only created: a retention changed by hand is set back to what
// the AsyncAPI document says, and a Region asking for more partitions gets them.
func TestTopicsAreReconciledWhenTheyDrift(t *testing.T) {
	brokers := []string{embedded.Shared(t).Kafka}
	k := controller.KafkaTarget{Brokers: brokers, Prefix: "drift" + time.Now().Format("150405.000000") + ".", Partitions: 3, ReplicationFactor: 1}
	if _, err := (controller.KafkaTopics{}).Ensure(ctx, k); err != nil {
		t.Fatal(err)
	}
	c := &kafka.Client{Addr: kafka.TCP(brokers...)}
	topic := k.Prefix + catalog.TopicPartnersAttendance // kept 30 days
	if _, err := c.IncrementalAlterConfigs(ctx, &kafka.IncrementalAlterConfigsRequest{Resources: []kafka.IncrementalAlterConfigsRequestResource{{
		ResourceType: kafka.ResourceTypeTopic, ResourceName: topic,
		Configs: []kafka.IncrementalAlterConfigsRequestConfig{{Name: "retention.ms", Value: "60000", ConfigOperation: kafka.ConfigOperationSet}}}}}); err != nil {
		t.Fatal(err)
	}
	k.Partitions = 6
	if _, err := (controller.KafkaTopics{}).Ensure(ctx, k); err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeConfigs(ctx, &kafka.DescribeConfigsRequest{Resources: []kafka.DescribeConfigRequestResource{{
		ResourceType: kafka.ResourceTypeTopic, ResourceName: topic, ConfigNames: []string{"retention.ms", "min.insync.replicas"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range desc.Resources[0].ConfigEntries {
		got[e.ConfigName] = e.ConfigValue
	}
	if got["retention.ms"] != "2592000000" || got["min.insync.replicas"] != "1" {
		t.Errorf("config after reconcile: %v", got)
	}
	var md *kafka.MetadataResponse
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if md, err = c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}}); err == nil && len(md.Topics) == 1 && len(md.Topics[0].Partitions) == 6 {
			break
		}
	}
	if err != nil || len(md.Topics) != 1 || len(md.Topics[0].Partitions) != 6 {
		t.Fatalf("partitions after reconcile: %v %v", md, err)
	}
}

// Kafka as regions run it (Strimzi, Confluent, Aiven): SCRAM credentials and TLS with the
// cluster's CA and a client certificate reach every service as settings and mounted Secrets,
// never as values; a drift-free second reconcile keeps them.
func TestKafkaOverTLSWithSCRAMReachesEveryService(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "flevoland")
	r.Spec.Kafka.CredentialsSecretRef = &corev1.LocalObjectReference{Name: "kafka-user"}
	r.Spec.Kafka.SASLMechanism = "scram-sha-512"
	r.Spec.Kafka.TLS = &v1.KafkaTLS{CASecretRef: &corev1.LocalObjectReference{Name: "cluster-ca"},
		ClientCertSecretRef: &corev1.LocalObjectReference{Name: "kafka-user-cert"}}
	if err := k8s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, svc := range v1.ServiceNames {
		var d *appsv1.Deployment
		eventually(t, "deployment "+svc, func() bool {
			var ok bool
			d, ok = get(t, ns, "flevoland-"+svc, &appsv1.Deployment{})
			return ok
		})
		c := d.Spec.Template.Spec.Containers[0]
		env := map[string]string{}
		for _, e := range c.Env {
			env[e.Name] = e.Value
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				env[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name
			}
		}
		want := map[string]string{"KAFKA_SASL_MECHANISM": "scram-sha-512", "KAFKA_SASL_USERNAME": "secret:kafka-user", "KAFKA_TLS": "true",
			"KAFKA_TLS_CA_FILE": "/etc/werkregio/kafka-ca/ca.crt", "KAFKA_TLS_CERT_FILE": "/etc/werkregio/kafka-client/tls.crt",
			"KAFKA_TLS_KEY_FILE": "/etc/werkregio/kafka-client/tls.key"}
		for k, v := range want {
			if env[k] != v {
				t.Errorf("%s: %s = %q, want %q", svc, k, env[k], v)
			}
		}
		secrets := map[string]string{}
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Secret != nil {
				secrets[v.Name] = v.Secret.SecretName
			}
		}
		if secrets["kafka-ca"] != "cluster-ca" || secrets["kafka-client"] != "kafka-user-cert" {
			t.Errorf("%s: secret volumes %v", svc, secrets)
		}
	}
}
