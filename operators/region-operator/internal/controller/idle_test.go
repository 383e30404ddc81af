package controller_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
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
