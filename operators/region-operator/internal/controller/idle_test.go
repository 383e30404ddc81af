package controller_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
)

// countingClient counts every write the reconciler makes to the API server.
func countingClient(t testing.TB) (client.Client, *atomic.Int64) {
	writes := &atomic.Int64{}
	base, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	count := func() { writes.Add(1) }
	c := interceptor.NewClient(client.WithWatch(mustWatch(t, base)), interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.CreateOption) error {
			count()
			return c.Create(ctx, o, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.UpdateOption) error {
			count()
			return c.Update(ctx, o, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, o client.Object, p client.Patch, opts ...client.PatchOption) error {
			count()
			return c.Patch(ctx, o, p, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.DeleteOption) error {
			count()
			return c.Delete(ctx, o, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, o client.Object, opts ...client.SubResourceUpdateOption) error {
			count()
			return c.SubResource(sub).Update(ctx, o, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, o client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
			count()
			return c.SubResource(sub).Patch(ctx, o, p, opts...)
		},
	})
	return c, writes
}

func mustWatch(t testing.TB, _ client.Client) client.WithWatch {
	w, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestAnIdleReconcileWritesNothing(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "utrecht")
	r.Spec.Services.Sroi.Replicas = ptrInt(2) // with a PDB too
	createAndWait(t, r)
	allAvailable(t, r)
	c, writes := countingClient(t)
	rec := newReconciler(c, mgrForTests)
	for i := range 3 {
		if _, err := rec.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(r)}); err != nil {
			t.Fatalf("reconcile %d: %v", i, err)
		}
	}
	if n := writes.Load(); n != 0 {
		t.Fatalf("%d API writes in three idle reconciles, want 0", n)
	}
}

func ptrInt(n int32) *int32 { return &n }

// TestCRDAndRBACAreGeneratedFromTheMarkers regenerates both with controller-gen and
// compares: the committed YAML must be what the Go markers say.
func TestCRDAndRBACAreGeneratedFromTheMarkers(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command(tools.ControllerGen, "crd", "rbac:roleName=region-operator", "paths=./...",
		"output:crd:artifacts:config="+filepath.Join(out, "crd"), "output:rbac:artifacts:config="+filepath.Join(out, "rbac"))
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("controller-gen: %v\n%s", err, b)
	}
	for _, f := range []string{"crd/werkregio.nl_regions.yaml", "rbac/role.yaml"} {
		want, _ := os.ReadFile(filepath.Join(out, f))
		have, _ := os.ReadFile(filepath.Join("..", "..", "config", f))
		if len(want) == 0 || string(want) != string(have) {
			t.Errorf("config/%s is not what controller-gen makes of the markers; run: go generate ./operators/region-operator/...", f)
		}
	}
}

// countingTopics counts how often Kafka is asked.
type countingTopics struct {
	controller.Topics
	ensured atomic.Int64
}

func (c *countingTopics) Ensure(ctx context.Context, k controller.KafkaTarget) (int, error) {
	c.ensured.Add(1)
	return c.Topics.Ensure(ctx, k)
}

// Topics found as specified are trusted for TopicsRecheck: reconciles caused by the
// Deployments (five for a new Region) do not ask Kafka again; a changed Region does, and
// every reconcile asks again after the recheck interval (which sets drift back).
func TestTopicsAreAskedOncePerGenerationWithinTheRecheck(t *testing.T) {
	ns := namespace(t)
	r := region(t, ns, "zeeland")
	createAndWait(t, r)
	allAvailable(t, r)
	topics := &countingTopics{Topics: controller.KafkaTopics{}}
	rec := newReconciler(k8s, mgrForTests)
	rec.Topics, rec.TopicsRecheck = topics, time.Hour
	reconcile := func() ctrl.Result {
		res, err := rec.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(r)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for range 3 {
		if res := reconcile(); res.RequeueAfter != time.Hour {
			t.Errorf("requeue after %v, want the recheck interval", res.RequeueAfter)
		}
	}
	if n := topics.ensured.Load(); n != 1 {
		t.Errorf("Kafka asked %d times in three reconciles of one generation, want 1", n)
	}
	update(t, r, func(r *v1.Region) { r.Spec.LogLevel = "debug" })
	// the manager reconciles the change too: a conflict with it asks for another go
	for i := 0; reconcile().RequeueAfter != time.Hour && i < 50; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if n := topics.ensured.Load(); n != 2 {
		t.Errorf("Kafka asked %d times after a change of the Region, want 2", n)
	}
}
