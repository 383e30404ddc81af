package controller_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/embedded"
)

// TestARegionInstalledWithHelmIsReadyInKubectl is what a regional IT team sees: helm
// installs the platform chart as a Region, the operator provisions it, and once its
// Deployments are Available (played by the test: envtest runs no controllers),
// `kubectl get regions` shows it Ready.
func TestARegionInstalledWithHelmIsReadyInKubectl(t *testing.T) {
	ns := namespace(t)
	root, _ := testenv.WorkspaceRoot()
	run := asITTeam(t)
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

// asITTeam runs helm and kubectl as a cluster administrator of the regional IT team.
func asITTeam(t *testing.T) func(bin string, args ...string) string {
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
	home := t.TempDir()
	return func(bin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--kubeconfig", kc)...)
		cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home+"/cache", "HELM_CONFIG_HOME="+home+"/config", "HELM_DATA_HOME="+home+"/data")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, out)
		}
		return string(out)
	}
}

// TestHelmUpgradeFromThePreviousChartsKeepsTheRegionReady upgrades both charts from the
// previous release (0.1.0, packaged in testdata as it was released) to this one with the
// team's values file: the Region, created by the old chart and stored under the old CRD,
// stays Ready throughout (the Deployments roll out while the older pods serve), and ends
// up on the new version with every service up to date.
func TestHelmUpgradeFromThePreviousChartsKeepsTheRegionReady(t *testing.T) {
	ns, opNS := namespace(t), namespace(t)
	root, _ := testenv.WorkspaceRoot()
	run := asITTeam(t)
	kafka := []string{"--set", "kafka.bootstrapServers={" + embedded.Shared(t).Kafka + "}", "--set", "kafka.topicPrefix=" + ns + ".",
		"--set", "kafka.replicationFactor=1", "--set", "kafka.tls.enabled=false"}
	// the CRD is the envtest control plane's (this version's): the old Regions must be valid under it
	run(tools.Helm, "install", "region-operator", filepath.Join("testdata", "region-operator-0.1.0.tgz"), "-n", opNS, "--set", "crds.install=false")
	// the team's values as they were for 0.1.0: before the services' event keys, which the
	// team adds on upgrading
	values := filepath.Join(root, "charts", "platform", "ci", "operator-values.yaml")
	raw, err := os.ReadFile(values)
	if err != nil {
		t.Fatal(err)
	}
	var before010 []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "eventKeys:") {
			before010 = append(before010, line)
		}
	}
	old := filepath.Join(t.TempDir(), "values-0.1.0.yaml")
	if err := os.WriteFile(old, []byte(strings.Join(before010, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	run(tools.Helm, append([]string{"install", "groningen", filepath.Join("testdata", "platform-0.1.0.tgz"), "-n", ns, "-f", old}, kafka...)...)
	r := &v1.Region{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "groningen"}}
	enabled := []string{v1.Procurement, v1.Providers, v1.Participants, v1.Payments}
	for _, svc := range enabled {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "groningen-" + svc}}
		eventually(t, "deployment "+d.Name, func() bool { _, ok := get(t, ns, d.Name, &appsv1.Deployment{}); return ok })
		makeAvailable(t, d, true)
	}
	eventually(t, "Ready on 0.1.0", func() bool {
		c := condition(t, r, controller.ConditionReady)
		return c != nil && c.Status == metav1.ConditionTrue
	})
	before := map[string]int64{}

	for _, svc := range enabled {
		d, _ := get(t, ns, "groningen-"+svc, &appsv1.Deployment{})
		before[svc] = d.Generation
	}

	// watch Ready from here until the end
	stop, notReady := make(chan struct{}), make(chan string, 1)
	go func() {
		for {
			select {
			case <-stop:
				close(notReady)
				return
			case <-time.After(20 * time.Millisecond):
			}
			var cur v1.Region
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(r), &cur); err == nil {
				if c := meta.FindStatusCondition(cur.Status.Conditions, controller.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
					select {
					case notReady <- fmt.Sprintf("%+v", c):
					default:
					}
				}
			}
		}
	}()
	run(tools.Helm, "upgrade", "region-operator", filepath.Join(root, "charts", "region-operator"), "-n", opNS, "--set", "crds.install=false")
	run(tools.Helm, append([]string{"upgrade", "groningen", filepath.Join(root, "charts", "platform"), "-n", ns,
		"-f", values}, kafka...)...)
	// the operator rolls the services out; the pods of the older version serve meanwhile
	for _, svc := range enabled {
		eventually(t, svc+" rolled out to a new spec", func() bool {
			d, _ := get(t, ns, "groningen-"+svc, &appsv1.Deployment{})
			return d.Generation > before[svc]
		})
	}
	eventually(t, "Progressing while rolling out", func() bool {
		c := condition(t, r, controller.ConditionProgressing)
		return c != nil && c.Status == metav1.ConditionTrue
	})
	for _, svc := range enabled {
		makeAvailable(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "groningen-" + svc}}, true)
	}
	eventually(t, "every service up to date", func() bool {
		c := condition(t, r, controller.ConditionProgressing)
		return c != nil && c.Status == metav1.ConditionFalse
	})
	close(stop)
	if c, seen := <-notReady; seen {
		t.Errorf("the Region was not Ready during the upgrade: %s", c)
	}
	for _, s := range fresh(t, r).Status.Services {
		if !s.Available || !s.UpToDate || s.Version != "0.2.0" {
			t.Errorf("after the upgrade %s: %+v, want available and up to date on 0.2.0", s.Name, s)
		}
	}
	t.Logf("after the upgrade:\n%s", run(tools.Kubectl, "get", "regions", "-n", ns))
}
