package controller_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/werkregio/platform/operators/region-operator/internal/controller"
)

// The operator's metrics are served over HTTPS to callers the API server knows and lets
// read them: no token is 401, a service account without the metrics-reader role 403, the
// scraper's 200.
func TestOperatorMetricsAreForAuthorisedScrapersOnly(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := metricsserver.NewServer(controller.MetricsServer(addr, ""), cfg, httpClient)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = srv.Start(sctx) }()

	cs := kubernetes.NewForConfigOrDie(cfg)
	// the role the chart gives a metrics scraper (get on /metrics only), under a name of its
	// own: the chart installed by another test holds the chart's name in the same API server
	metricsReader := "metrics-reader-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	token := func(name string) string {
		t.Helper()
		name += "-" + metricsReader
		if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: metricsReader},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: metricsReader},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: metricsReader},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "prometheus-" + metricsReader, Namespace: "default"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	scraper, stranger := token("prometheus"), token("stranger")

	// the operator's own certificate: a scraper pins it or its CA; here only the answers count
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // self-signed, as served
	status := func(tok string) int {
		req, _ := http.NewRequest("GET", "https://"+addr+"/metrics", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(20 * time.Second)
	for status(scraper) != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("the scraper's token: %d", status(scraper))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if s := status(""); s != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", s)
	}
	if s := status(stranger); s != http.StatusForbidden {
		t.Errorf("a service account without the role: %d, want 403", s)
	}
	if resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + addr + "/metrics"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("metrics over plain HTTP")
		}
	}
}
