// Command region-operator provisions one werkregio platform instance per Region resource.
package main

import (
	"flag"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
	"github.com/werkregio/platform/operators/region-operator/internal/controller"
)

func main() {
	var metricsAddr, metricsCertDir, probeAddr, imageRegistry, imageTag string
	var leaderElect bool
	var apiQPS float64
	var apiBurst, workers int
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8443", "address of the metrics endpoint (HTTPS; callers the API server authenticates and lets get /metrics)")
	flag.StringVar(&metricsCertDir, "metrics-cert-dir", "", "directory with tls.crt and tls.key for the metrics endpoint (empty: a certificate of the operator's own)")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	flag.BoolVar(&leaderElect, "leader-elect", true, "elect a leader, so only one replica reconciles")
	flag.StringVar(&imageRegistry, "image-registry", envOr("IMAGE_REGISTRY", "ghcr.io/werkregio"), "registry of the service images")
	flag.StringVar(&imageTag, "image-tag", envOr("IMAGE_TAG", "latest"), "tag of the service images")
	// client-go's defaults (5 requests/s) make a first start with hundreds of Regions take
	// minutes; the API server's priority and fairness protects it from one busy client.
	flag.Float64Var(&apiQPS, "kube-api-qps", 200, "requests per second to the API server")
	flag.IntVar(&apiBurst, "kube-api-burst", 400, "burst of requests to the API server")
	flag.IntVar(&workers, "max-concurrent-reconciles", 4, "Regions reconciled at the same time")
	var topicsRecheck time.Duration
	flag.DurationVar(&topicsRecheck, "topics-recheck", 10*time.Minute, "how long topics found as specified are trusted before Kafka is asked again")
	opts := zap.Options{}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("setup")

	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1.AddToScheme(scheme))

	restConfig := ctrl.GetConfigOrDie()
	restConfig.QPS, restConfig.Burst = float32(apiQPS), apiBurst
	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                controller.MetricsServer(metricsAddr, metricsCertDir),
		HealthProbeBindAddress: probeAddr,
		LeaderElection:         leaderElect,
		LeaderElectionID:       "region-operator.werkregio.nl",
		// no informer on Secrets: the operator reads the few a Region references, directly
		Client: client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
		// the informers hold only the operator's own children, not every ConfigMap, Service
		// and Deployment of the cluster (memory, and nothing read that is not ours)
		Cache: controller.CacheOptions(),
	})
	if err != nil {
		log.Error(err, "manager")
		os.Exit(1)
	}
	if err := (&controller.RegionReconciler{
		Client:        mgr.GetClient(),
		Scheme:        mgr.GetScheme(),
		Recorder:      mgr.GetEventRecorder("region-operator"),
		Topics:        controller.KafkaTopics{},
		Images:        func(service string) string { return imageRegistry + "/" + service + ":" + imageTag },
		TopicRetry:    30 * time.Second,
		TopicsRecheck: topicsRecheck,
		Uncached:      mgr.GetAPIReader(),
		Workers:       workers,
	}).SetupWithManager(mgr); err != nil {
		log.Error(err, "controller")
		os.Exit(1)
	}
	utilruntime.Must(mgr.AddHealthzCheck("healthz", healthz.Ping))
	utilruntime.Must(mgr.AddReadyzCheck("readyz", healthz.Ping))
	log.Info("starting")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "manager stopped")
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
