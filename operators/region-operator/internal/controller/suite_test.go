package controller_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
	"github.com/werkregio/platform/services/testenv"
	kubetools "github.com/werkregio/platform/services/testenv/k8s"
)

// One real control plane (kube-apiserver + etcd built from the Go module proxy) and one
// manager running the reconciler serve every test; each test has its own namespace.
var (
	cfg    *rest.Config
	k8s    client.Client
	scheme = runtime.NewScheme()
	tools  kubetools.Tools
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1.AddToScheme(scheme))
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.ErrorLevel)))

	root, err := testenv.WorkspaceRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tools, err = kubetools.BuildTools(root, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "..", "config", "crd")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: tools.Assets,
	}
	cfg, err = env.Start()
	if err != nil {
		_ = env.Stop() // a half-started control plane keeps running otherwise
		fmt.Fprintln(os.Stderr, "envtest:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	envForHelm = env

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}, Cache: controller.CacheOptions()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mgrForTests = mgr
	if err := newReconciler(mgr.GetClient(), mgr).SetupWithManager(mgr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = mgr.Start(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

var (
	envForHelm  *envtest.Environment
	mgrForTests ctrl.Manager
)

func newReconciler(c client.Client, mgr ctrl.Manager) *controller.RegionReconciler {
	return &controller.RegionReconciler{
		Client: c, Scheme: scheme, Recorder: mgr.GetEventRecorder("region-operator"), Topics: controller.KafkaTopics{},
		Images:     func(s string) string { return "registry.test/werkregio/" + s + ":test" },
		TopicRetry: 500 * time.Millisecond, Uncached: mgr.GetAPIReader(), Workers: 4,
	}
}

// namespace makes a namespace of the test's own.
func namespace(t testing.TB) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "t-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}
