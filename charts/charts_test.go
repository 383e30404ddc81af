// Package charts tests the Helm charts: strict lint, rendering over several values files,
// values the schema must refuse, and server-side dry-run of everything rendered against a
// real kube-apiserver (envtest, built from the Go module proxy) that knows the Region CRD.
package charts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/werkregio/platform/services/testenv/k8s"
)

var charts = []string{"region-operator", "platform"}

func valuesFiles(t *testing.T, chart string) []string {
	files, err := filepath.Glob(filepath.Join(chart, "ci", "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("%s: want several ci/*.yaml values files, have %v", chart, files)
	}
	return files
}

func helm(t *testing.T, tools k8s.Tools, args ...string) (string, error) {
	t.Helper()
	if len(args) > 0 && (args[0] == "template" || args[0] == "lint") {
		// offline, helm assumes Kubernetes 1.20, which the charts' kubeVersion refuses
		args = append([]string{args[0], "--kube-version", k8s.KubernetesVersion}, args[1:]...)
	}
	cmd := exec.Command(tools.Helm, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String() + errOut.String(), err
	}
	return out.String(), nil
}

func TestChartsLintStrictlyWithEveryValuesFile(t *testing.T) {
	tools := k8s.K8sTools(t)
	for _, chart := range charts {
		for _, values := range valuesFiles(t, chart) {
			if out, err := helm(t, tools, "lint", "--strict", chart, "-f", values); err != nil {
				t.Errorf("helm lint --strict %s -f %s: %v\n%s", chart, values, err, out)
			}
		}
	}
}

func TestTheValuesSchemaRefusesBadValues(t *testing.T) {
	tools := k8s.K8sTools(t)
	base := filepath.Join("platform", "ci", "minimal-values.yaml")
	for name, set := range map[string][]string{
		"unknown key":                   {"--set", "regio=groningen"},
		"unknown mode":                  {"--set", "mode=both"},
		"region code with capitals":     {"--set", "region.code=Groningen"},
		"no brokers":                    {"--set", "kafka.bootstrapServers=null"},
		"broker without port":           {"--set", "kafka.bootstrapServers[0]=kafka"},
		"participants without BSN keys": {"--set", "services.participants.enabled=true"},
		"both JWKS URL and keys":        {"--set", "auth.keysConfigMap=jwks"},
		"negative replicas":             {"--set", "services.payments.replicas=-1"},
		"unknown service setting":       {"--set", "services.sroi.cpu=2"},
		"sampling above 100":            {"--set", "telemetry.samplingPercent=101"},
		"operator: replicas of 0":       {"--set", "replicas=0"},
		"portal without its provider":   {"--set", "portal.enabled=true", "--set", "portal.publicURL=https://portal.example.nl", "--set", "portal.sessionKeySecret.name=s"},
		"portal over plain http":        {"--set", "portal.publicURL=http://portal.example.nl"},
		"portal role to no role":        {"--set", "portal.oidc.roleMap[0]=beheer=superuser"},
		"operator: unknown pull policy": {"--set", "image.pullPolicy=Sometimes"},
	} {
		chart := "platform"
		args := []string{"template", "x", chart, "-f", base}
		if strings.HasPrefix(name, "operator:") {
			args = []string{"template", "x", "region-operator"}
		}
		if out, err := helm(t, tools, append(args, set...)...); err == nil {
			t.Errorf("%s: rendered, want a schema error", name)
		} else if !strings.Contains(out, "values don't meet the specifications of the schema") {
			t.Errorf("%s: failed for another reason: %s", name, out)
		}
	}
}

func TestTheChartCarriesTheGeneratedCRDAndRBAC(t *testing.T) {
	for chartFile, generated := range map[string]string{
		"region-operator/files/werkregio.nl_regions.yaml": "../operators/region-operator/config/crd/werkregio.nl_regions.yaml",
		"region-operator/files/role.yaml":                 "../operators/region-operator/config/rbac/role.yaml",
	} {
		a, _ := os.ReadFile(chartFile)
		b, _ := os.ReadFile(generated)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs from %s: run go generate ./operators/region-operator/...", chartFile, generated)
		}
	}
}

// TestRenderedChartsApplyOnTheAPIServer renders every chart with every values file and
// applies the output with kubectl apply --dry-run=server: the API server validates each
// object against its schema (the Region against the CRD's OpenAPI schema and CEL rules).
func TestRenderedChartsApplyOnTheAPIServer(t *testing.T) {
	tools := k8s.K8sTools(t)
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "operators", "region-operator", "config", "crd")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: tools.Assets,
	}
	if _, err := env.Start(); err != nil {
		_ = env.Stop()
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	user, err := env.AddUser(envtest.User{Name: "charts", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(tools.Kubectl, append([]string{"--kubeconfig", kc}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := kubectl("", "create", "namespace", "werkregio"); err != nil {
		t.Fatal(out)
	}
	for _, chart := range charts {
		for _, values := range valuesFiles(t, chart) {
			rendered, err := helm(t, tools, "template", "release", chart, "-n", "werkregio", "-f", values)
			if err != nil {
				t.Fatalf("helm template %s -f %s: %v\n%s", chart, values, err, rendered)
			}
			if out, err := kubectl(rendered, "apply", "--dry-run=server", "-n", "werkregio", "-f", "-"); err != nil {
				t.Errorf("%s with %s does not apply: %v\n%s", chart, values, err, out)
			}
		}
	}
	// And the API server itself refuses a Region the schema cannot catch in Helm.
	bad, _ := helm(t, tools, "template", "release", "platform", "-n", "werkregio", "-f", filepath.Join("platform", "ci", "minimal-values.yaml"),
		"--set", "kafka.deleteTopicsOnDelete=true")
	bad = strings.Replace(bad, "code: rivierenland", "code: Rivierenland", 1)
	if out, err := kubectl(bad, "apply", "--dry-run=server", "-n", "werkregio", "-f", "-"); err == nil || !strings.Contains(out, "spec.code") {
		t.Errorf("an invalid Region was accepted: %v\n%s", err, out)
	}
}
