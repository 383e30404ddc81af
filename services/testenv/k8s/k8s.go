// Package k8s builds the Kubernetes tools the operator and chart tests run against
// (kube-apiserver, etcd and kubectl for envtest, controller-gen, helm) from the Go module
// proxy, once per machine, in parallel.
package k8s

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/werkregio/platform/services/testenv"
)

// KubernetesVersion of the control plane the operator is tested against.
const KubernetesVersion = "v1.37.2"

// Tools are binaries built from the Go module proxy (no downloads from elsewhere):
// kube-apiserver, etcd and kubectl for envtest, controller-gen, helm and golangci-lint.
type Tools struct {
	// Assets is the directory envtest expects in KUBEBUILDER_ASSETS.
	Assets        string
	Kubectl       string
	ControllerGen string
	Helm          string
	// Lint is golangci-lint, run over every module by the test command.
	Lint string
}

type toolBuild struct {
	module  string   // tools module below operators/tools
	extra   bool     // built only on request, not for the tests
	outputs []string // binary names, in the order of pkgs
	pkgs    []string
	ldflags string
}

var toolBuilds = []toolBuild{
	{module: "k8s", outputs: []string{"kube-apiserver", "kubectl", "etcd"},
		pkgs:    []string{"k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kubectl", "go.etcd.io/etcd/server/v3"},
		ldflags: "-X k8s.io/component-base/version.gitVersion=" + KubernetesVersion + " -X k8s.io/client-go/pkg/version.gitVersion=" + KubernetesVersion},
	{module: "lint", outputs: []string{"golangci-lint"}, pkgs: []string{"github.com/golangci/golangci-lint/v2/cmd/golangci-lint"}},
	{module: "controller-gen", outputs: []string{"controller-gen"}, pkgs: []string{"sigs.k8s.io/controller-tools/cmd/controller-gen"}},
	{module: "helm", outputs: []string{"helm"}, pkgs: []string{"helm.sh/helm/v3/cmd/helm"}},
	{module: "images", extra: true, outputs: []string{"ko", "crane"}, pkgs: []string{"github.com/google/ko", "github.com/google/go-containerregistry/cmd/crane"}},
	// mailpit: the SMTP sink of `werkregio up` and the SROI tests (its API shows what was sent)
	{module: "mailpit", extra: true, outputs: []string{"mailpit"}, pkgs: []string{"github.com/axllent/mailpit"}},
	// promtool: checks the chart's alert rules and runs their unit tests (the chart tests)
	{module: "promtool", extra: true, outputs: []string{"promtool"}, pkgs: []string{"github.com/prometheus/prometheus/cmd/promtool"}},
	{module: "skaffold", extra: true, outputs: []string{"skaffold"}, pkgs: []string{"github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold"}},
}

// BuildLint builds (once) golangci-lint alone, for linting before the other tools are ready.
func BuildLint(root string, progress io.Writer) (string, error) {
	dir, err := BuildExtraTools(root, "lint", progress)
	return filepath.Join(dir, "golangci-lint"), err
}

// BuildExtraTools builds one tools module (e.g. those the tests do not need: "images", ko
// and crane; "skaffold") and returns its directory.
func BuildExtraTools(root, module string, progress io.Writer) (string, error) {
	for _, b := range toolBuilds {
		if b.module == module {
			return buildTool(root, b, progress)
		}
	}
	return "", fmt.Errorf("no tools module %q", module)
}

// BuildTools builds the tools once into <cache>/werkregio/tools/<module>-<hash of its go.mod
// and go.sum>/ (cache: $WERKREGIO_TOOLS_CACHE, else the user's cache directory, so every
// clone on a machine shares them) and returns where they are. A stamp file marks a finished build; a lock lets
// several test processes wait for one build. The first build takes several minutes.
func BuildTools(root string, progress io.Writer) (Tools, error) {
	// Two lanes: Kubernetes (the longest build) and the rest, golangci-lint first. One build
	// leaves a core idle while it links a large binary; more would only slow the tests that
	// run meanwhile.
	var lanes [2][]toolBuild
	for _, b := range toolBuilds {
		if b.extra {
			continue
		}
		lane := 1
		if b.module == "k8s" {
			lane = 0
		}
		lanes[lane] = append(lanes[lane], b)
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	dirs := map[string]string{}
	for _, lane := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, b := range lane {
				dir, err := buildTool(root, b, progress)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("build %s tools: %w", b.module, err))
				}
				dirs[b.module] = dir
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Tools{}, err
	}
	return Tools{
		Assets:        dirs["k8s"],
		Kubectl:       filepath.Join(dirs["k8s"], "kubectl"),
		ControllerGen: filepath.Join(dirs["controller-gen"], "controller-gen"),
		Helm:          filepath.Join(dirs["helm"], "helm"),
		Lint:          filepath.Join(dirs["lint"], "golangci-lint"),
	}, nil
}

func buildTool(root string, b toolBuild, progress io.Writer) (string, error) {
	src := filepath.Join(root, "operators", "tools", b.module)
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		raw, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", err
		}
		h.Write(raw)
	}
	h.Write([]byte(b.ldflags))
	dir := filepath.Join(toolsCache(root), b.module+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	stamp := filepath.Join(dir, ".built")
	if _, err := os.Stat(stamp); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	if _, err := os.Stat(stamp); err == nil {
		return dir, nil // built by another process while this one waited
	}
	if progress != nil {
		fmt.Fprintf(progress, "building %s from the Go module proxy (once; minutes on a new machine)...\n", strings.Join(b.outputs, ", "))
	}
	// One go build for a module's binaries: they share its compiled packages and link in
	// parallel. With several packages, -o names a directory.
	// Not -trimpath: the standard library and shared dependencies compiled for the tests
	// serve the tools too.
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	if b.ldflags != "" {
		args = append(args, "-ldflags", b.ldflags)
	}
	cmd := exec.Command("go", append(args, b.pkgs...)...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", strings.Join(b.pkgs, " "), err, out)
	}
	for i, pkg := range b.pkgs {
		if name := binaryName(pkg); name != b.outputs[i] {
			if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, b.outputs[i])); err != nil {
				return "", err
			}
		}
	}
	return dir, os.WriteFile(stamp, []byte(KubernetesVersion+"\n"), 0o644)
}

// binaryName is the name go build gives a main package's binary: the last element of its
// path, or the one before a major version suffix (go.etcd.io/etcd/server/v3: server).
func binaryName(pkg string) string {
	parts := strings.Split(pkg, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		return parts[len(parts)-2]
	}
	return last
}

// K8sTools returns the tools for a test, building them if needed.
func K8sTools(tb testing.TB) Tools {
	tb.Helper()
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		tb.Fatal(err)
	}
	t, err := BuildTools(root, os.Stderr)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func toolsCache(root string) string {
	if d := os.Getenv("WERKREGIO_TOOLS_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "werkregio", "tools")
	}
	return filepath.Join(root, ".cache", "tools")
}

// ToolsCache is where the built tools are kept (WERKREGIO_TOOLS_CACHE, or the user's cache).
func ToolsCache(root string) string { return toolsCache(root) }
