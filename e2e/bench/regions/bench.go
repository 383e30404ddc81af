package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/embedded"
	"github.com/werkregio/platform/services/testenv/k8s"
)

// Config sizes a run: a first wave of Regions, then a second on top of it.
type Config struct {
	First, Then int
}

// Result are the figures a run printed.
type Result struct {
	FirstReady, ThenReady time.Duration
	// RSS of the operator after each wave, and its peak, in bytes.
	RSSFirst, RSSThen, RSSPeak int64
	// During the second wave: reconciles and API writes per second; the API server's
	// write ceiling measured in the same run.
	Reconciles, Writes, Ceiling float64
	// IdleWrites is what a restarted operator wrote while reconciling every Ready Region.
	IdleWrites int
	IdleResync time.Duration
}

var scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1.AddToScheme(scheme))
}

// Run starts the control plane, Kafka and the operator, and measures both waves.
func Run(w io.Writer, c Config) (res Result, err error) {
	ctrl.SetLogger(logr.Discard())
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		return res, err
	}
	say := func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) }
	say("building the Kubernetes tools and the operator (cached after the first run)...")
	tools, err := k8s.BuildTools(root, os.Stderr)
	if err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "regions-bench-")
	if err != nil {
		return res, err
	}
	defer func() {
		if err == nil { // the operator's logs stay for a look when something failed
			_ = os.RemoveAll(dir)
		}
	}()
	bin := filepath.Join(dir, "region-operator")
	build := exec.Command("go", "build", "-o", bin, "./operators/region-operator/cmd")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		return res, fmt.Errorf("building the operator: %w", err)
	}
	infra, err := embedded.Start("")
	if err != nil {
		return res, err
	}
	defer infra.Stop()
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "operators", "region-operator", "config", "crd")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: tools.Assets,
	}
	// a cluster's range of service addresses, not envtest's /24: 350 regions have 1,925 Services
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.96.0.0/12")
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return res, fmt.Errorf("control plane: %w", err)
	}
	defer func() { _ = env.Stop() }()
	kubeconfig, err := operatorKubeconfig(env, dir)
	if err != nil {
		return res, err
	}
	fast := rest.CopyConfig(cfg)
	fast.QPS, fast.Burst = 1000, 2000 // the harness is not what is measured
	cl, err := client.New(fast, client.Options{Scheme: scheme})
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	res.Ceiling, err = writeCeiling(ctx, cl, 1000)
	if err != nil {
		return res, err
	}
	say("API server write ceiling: %.0f writes/s (1000 ConfigMaps, 8 writers)", res.Ceiling)
	seen, err := startDeploymentController(ctx, fast, cl)
	if err != nil {
		return res, err
	}
	sc, err := newScraper(ctx, fast)
	if err != nil {
		return res, err
	}
	op, err := startOperator(ctx, bin, kubeconfig, dir, sc)
	if err != nil {
		return res, err
	}
	defer func() { op.stop() }()

	names := regionNames(c.First + c.Then)
	res.FirstReady, err = wave(ctx, cl, seen, infra.Kafka, names[:c.First], c.First)
	if err != nil {
		return res, fmt.Errorf("first wave: %w (operator log: %s)", err, op.log)
	}
	res.RSSFirst, _ = op.memory()
	say("%d Regions Ready in %s (goal 10 s: ratio %.2f); operator memory %s",
		c.First, round(res.FirstReady), res.FirstReady.Seconds()/10, mib(res.RSSFirst))

	before, err := op.metrics()
	if err != nil {
		return res, err
	}
	res.ThenReady, err = wave(ctx, cl, seen, infra.Kafka, names[c.First:], c.First+c.Then)
	if err != nil {
		return res, fmt.Errorf("second wave: %w (operator log: %s)", err, op.log)
	}
	after, err := op.metrics()
	if err != nil {
		return res, err
	}
	res.RSSThen, res.RSSPeak = op.memory()
	secs := res.ThenReady.Seconds()
	res.Reconciles = (after.reconciles() - before.reconciles()) / secs
	res.Writes = (after.writes() - before.writes()) / secs
	say("%d more Regions Ready in %s (goal 60 s: ratio %.2f); operator memory %s, peak %s",
		c.Then, round(res.ThenReady), secs/60, mib(res.RSSThen), mib(res.RSSPeak))
	say("while they came up: %.0f reconciles/s, %.0f API writes/s (ratio %.2f of the ceiling), %.1f writes per Region",
		res.Reconciles, res.Writes, res.Writes/res.Ceiling, (after.writes()-before.writes())/float64(c.Then))

	// A restarted operator reconciles every Region once; all are as specified, so it
	// should read and write nothing.
	op.stop()
	start := time.Now()
	op, err = startOperator(ctx, bin, kubeconfig, dir, sc)
	if err != nil {
		return res, err
	}
	idle, err := op.settled(ctx, c.First+c.Then)
	if err != nil {
		return res, fmt.Errorf("restart: %w (operator log: %s)", err, op.log)
	}
	res.IdleResync, res.IdleWrites = time.Since(start), int(idle.writes())
	say("restarted: %d idle Regions reconciled in %s with %d API writes (goal 0)",
		c.First+c.Then, round(res.IdleResync), res.IdleWrites)
	return res, nil
}

// wave creates the Regions (each in a namespace of its own, as regions are installed) and
// waits until all of the first total Regions are Ready (as seen by watching them).
func wave(ctx context.Context, cl client.Client, seen client.Reader, kafka string, names []string, total int) (time.Duration, error) {
	for _, n := range names {
		if err := cl.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "region-" + n}}); err != nil {
			return 0, err
		}
	}
	start := time.Now()
	if err := createAll(ctx, cl, len(names), func(i int) client.Object { return regionFor(names[i], kafka) }); err != nil {
		return 0, err
	}
	deadline := start.Add(5 * time.Minute)
	for {
		ready, err := readyRegions(ctx, seen)
		if err != nil {
			return 0, err
		}
		if ready >= total {
			return time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d of %d Regions Ready after 5 minutes", ready, total)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readyRegions(ctx context.Context, cl client.Reader) (int, error) {
	var list v1.RegionList
	if err := cl.List(ctx, &list); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range list.Items {
		if meta.IsStatusConditionTrue(r.Status.Conditions, "Ready") {
			n++
		}
	}
	return n, nil
}

// regionFor is a Region as a regional IT team writes it: five services, Kafka and MongoDB
// by Secret reference, the region's identity provider.
func regionFor(name, kafka string) *v1.Region {
	return &v1.Region{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "region-" + name},
		Spec: v1.RegionSpec{
			Code: name, DisplayName: "Arbeidsmarktregio " + name, Municipalities: []string{name},
			Kafka:            v1.KafkaSpec{BootstrapServers: []string{kafka}, TopicPrefix: name + "."},
			MongoDB:          v1.MongoDBSpec{URISecretRef: corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "mongodb"}, Key: "uri"}},
			Auth:             v1.AuthSpec{Issuer: "https://login." + name + ".nl", JWKSURL: "https://login." + name + ".nl/jwks.json"},
			BSNKeysSecretRef: &corev1.LocalObjectReference{Name: "bsn-keys"},
		},
	}
}

// The 35 Dutch labour-market regions (arbeidsmarktregio's), then numbered copies of them.
var dutchRegions = []string{
	"groningen", "friesland", "drenthe", "noord-holland-noord", "zaanstreek-waterland", "zuid-kennemerland-en-ijmond",
	"groot-amsterdam", "gooi-en-vechtstreek", "flevoland", "regio-zwolle", "twente", "stedendriehoek-en-noordwest-veluwe",
	"achterhoek", "midden-gelderland", "food-valley", "rijk-van-nijmegen", "rivierenland", "amersfoort", "midden-utrecht",
	"holland-rijnland", "haaglanden", "midden-holland", "zuid-holland-centraal", "rijnmond", "drechtsteden", "gorinchem",
	"zeeland", "west-brabant", "midden-brabant", "noordoost-brabant", "helmond-de-peel", "zuidoost-brabant", "noord-limburg",
	"midden-limburg", "zuid-limburg",
}

func regionNames(n int) []string {
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		for _, r := range dutchRegions {
			if len(out) == n {
				break
			}
			if i > 0 {
				r = fmt.Sprintf("%s-%d", r, i+1)
			}
			out = append(out, r)
		}
	}
	return out
}

// writeCeiling is how many objects per second the API server takes from eight writers.
func writeCeiling(ctx context.Context, cl client.Client, n int) (float64, error) {
	if err := cl.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ceiling"}}); err != nil {
		return 0, err
	}
	start := time.Now()
	err := createAll(ctx, cl, n, func(i int) client.Object {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ceiling", Name: fmt.Sprintf("cm-%d", i)},
			Data: map[string]string{"REGION": "ceiling", "KAFKA_BROKERS": "kafka:9092"}}
	})
	return float64(n) / time.Since(start).Seconds(), err
}

// createAll creates n objects with eight writers at once.
func createAll(ctx context.Context, cl client.Client, n int, obj func(i int) client.Object) error {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if err := cl.Create(ctx, obj(i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// operatorKubeconfig writes a kubeconfig for the operator's process.
func operatorKubeconfig(env *envtest.Environment, dir string) (string, error) {
	user, err := env.AddUser(envtest.User{Name: "region-operator", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", err
	}
	b, err := user.KubeConfig()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kubeconfig")
	return path, os.WriteFile(path, b, 0o600)
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
