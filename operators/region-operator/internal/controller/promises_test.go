package controller_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
)

// The API server accepts only Regions the operator can build: a name whose children's names
// (<name>-participants) would pass Kubernetes' 63 characters, or a code whose database name
// (werkregio-<code>-participants) would pass MongoDB's 63, is refused at once with the reason;
// the longest accepted name and code are provisioned.
func TestTheRegionAPIAcceptsOnlyWhatTheOperatorCanBuild(t *testing.T) {
	ns := namespace(t)
	long := region(t, ns, strings.Repeat("a", 51))
	if err := k8s.Create(ctx, long); err == nil || !strings.Contains(err.Error(), "at most 50 characters") {
		t.Errorf("a Region named with 51 characters: %v", err)
	}
	code := region(t, ns, "lange-code")
	code.Spec.Code = "r" + strings.Repeat("x", 40)
	if err := k8s.Create(ctx, code); err == nil || !strings.Contains(err.Error(), "spec.code") {
		t.Errorf("a code of 41 characters: %v", err)
	}

	longest := region(t, ns, strings.Repeat("b", 50))
	longest.Spec.Code = "r" + strings.Repeat("y", 39)
	createAndWait(t, longest)
	cm, _ := get(t, ns, longest.Name+"-participants", &corev1.ConfigMap{})
	if db := cm.Data["MONGO_DATABASE"]; len(db) > 63 {
		t.Errorf("database %q has %d characters; MongoDB takes 63", db, len(db))
	}
}

// A child the API server refuses (here an environment variable the Region passes through
// that no container may have) is the Region's condition: Ready False and Degraded True with
// reason ApplyFailed and the server's message, not only a line in the operator's log.
func TestARefusedChildIsTheRegionsCondition(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "zeeland")
	r.Spec.Services.Sroi.Env = []corev1.EnvVar{{Name: "NOT=A=NAME", Value: "x"}}
	if err := k8s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ApplyFailed", func() bool {
		c := condition(t, r, controller.ConditionReady)
		return c != nil && c.Status == metav1.ConditionFalse && c.Reason == "ApplyFailed" && strings.Contains(c.Message, "sroi")
	})
	if c := condition(t, r, controller.ConditionDegraded); c.Status != metav1.ConditionTrue || c.Reason != "ApplyFailed" {
		t.Errorf("degraded: %+v", c)
	}
	update(t, r, func(r *v1.Region) { r.Spec.Services.Sroi.Env = nil })
	eventually(t, "the refused child made once the Region is fixed", func() bool {
		_, ok := get(t, ns, "zeeland-sroi", &appsv1.Deployment{})
		c := condition(t, r, controller.ConditionReady)
		return ok && c.Reason != "ApplyFailed"
	})
}

// A brand-new Region is starting, not degraded: Progressing True, Ready False with reason
// ServicesStarting, Degraded False. During an upgrade status.services[].version stays the
// version the older pods serve, with updatingTo the new one, until the rollout completes.
func TestANewRegionProgressesAndAnUpgradeShowsWhatServes(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "drenthe")
	r.Spec.Services.Procurement.Image = "registry.test/werkregio/procurement:v1"
	createAndWait(t, r)
	eventually(t, "starting", func() bool {
		c := condition(t, r, controller.ConditionReady)
		return c != nil && c.Reason == "ServicesStarting"
	})
	if c := condition(t, r, controller.ConditionDegraded); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("a new Region is degraded: %+v", c)
	}
	if c := condition(t, r, controller.ConditionProgressing); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("a new Region is not progressing: %+v", c)
	}
	allAvailable(t, r)
	serves := func() v1.ServiceStatus {
		for _, s := range fresh(t, r).Status.Services {
			if s.Name == v1.Procurement {
				return s
			}
		}
		return v1.ServiceStatus{}
	}
	if s := serves(); s.Version != "v1" || s.UpdatingTo != "" {
		t.Fatalf("procurement %+v, want v1", s)
	}

	update(t, r, func(r *v1.Region) { r.Spec.Services.Procurement.Image = "registry.test/werkregio/procurement:v2" })
	eventually(t, "the new spec", func() bool {
		d, _ := get(t, ns, "drenthe-procurement", &appsv1.Deployment{})
		return d.Spec.Template.Spec.Containers[0].Image == "registry.test/werkregio/procurement:v2"
	})
	// the Deployment controller's view mid-rollout: the old pod serves, a new one starts
	eventually(t, "mid-rollout status", func() bool {
		d, _ := get(t, ns, "drenthe-procurement", &appsv1.Deployment{})
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 2, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1,
			Conditions: []appsv1.DeploymentCondition{
				{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable", LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now()},
				{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "ReplicaSetUpdated", LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}
		return k8s.Status().Update(ctx, d) == nil
	})
	eventually(t, "updating to v2 while v1 serves", func() bool {
		s := serves()
		return s.Version == "v1" && s.UpdatingTo == "v2"
	})
	if c := condition(t, r, controller.ConditionReady); c.Status != metav1.ConditionTrue {
		t.Errorf("not ready while the older pods serve: %+v", c)
	}
	makeAvailable(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "drenthe-procurement"}}, true)
	eventually(t, "v2 serves", func() bool {
		s := serves()
		return s.Version == "v2" && s.UpdatingTo == ""
	})
}
