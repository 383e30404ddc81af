package controller_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/embedded"
)

// TestARegionInstalledWithHelmIsReadyInKubectl is what a regional IT team sees: helm
// installs the platform chart as a Region, the operator provisions it, and once its
// Deployments are Available (played by the test: envtest runs no controllers),
// `kubectl get regions` shows it Ready.
func TestARegionInstalledWithHelmIsReadyInKubectl(t *testing.T) {
	user, err := envForHelm.AddUser(envtest.User{Name: "it-team", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ns := namespace(t)
	root, _ := testenv.WorkspaceRoot()
	run := func(bin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--kubeconfig", kc)...)
		cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, out)
		}
		return string(out)
	}
	run(tools.Helm, "install", "groningen", filepath.Join(root, "charts", "platform"), "-n", ns,
		"-f", filepath.Join(root, "charts", "platform", "ci", "operator-values.yaml"),
		"--set", "kafka.bootstrapServers={"+embedded.Shared(t).Kafka+"}",
		"--set", "kafka.topicPrefix="+ns+".", "--set", "kafka.replicationFactor=1",
		"--set", "kafka.tls.enabled=false") // the embedded Kafka speaks plaintext; TLS is shown by TestKafkaOverTLSWithSCRAMReachesEveryService

	enabled := []string{v1.Procurement, v1.Providers, v1.Participants, v1.Payments} // sroi is off in these values
	for _, svc := range enabled {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "groningen-" + svc}}
		eventually(t, "deployment "+d.Name, func() bool { _, ok := get(t, ns, d.Name, &appsv1.Deployment{}); return ok })
		makeAvailable(t, d, true)
	}
	var out string
	eventually(t, "kubectl shows the region Ready", func() bool {
		out = run(tools.Kubectl, "get", "regions", "-n", ns)
		return strings.Contains(out, "groningen") && strings.Contains(out, "True") && strings.Contains(out, "AllAvailable") && strings.Contains(out, "4/4")
	})
	t.Logf("kubectl get regions:\n%s", out)
	var r v1.Region
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "groningen"}, &r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Status.Services {
		if s.Version == "" || !s.Available {
			t.Errorf("status of %s: %+v, want its version and availability", s.Name, s)
		}
	}
	if _, ok := get(t, ns, "groningen-sroi", &appsv1.Deployment{}); ok {
		t.Error("a disabled service was deployed")
	}
}
