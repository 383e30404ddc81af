package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// scraper reads the operator's metrics as a cluster's Prometheus does: over HTTPS with a
// service account's token that may get /metrics (the chart's metrics-reader role). The
// operator asks the API server about that token and access (a TokenReview and a
// SubjectAccessReview, cached); those requests are the scraper's, not the operator's
// work, so they are counted at the API server and left out of the operator's writes.
type scraper struct {
	token string
	api   *kubernetes.Clientset
	http  *http.Client
}

func newScraper(ctx context.Context, cfg *rest.Config) (*scraper, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	const name = "bench-scraper"
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: name},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: "default"}}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	hours := int64(6 * 3600)
	tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, name, &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &hours}}, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	return &scraper{token: tr.Status.Token, api: cs, http: &http.Client{Timeout: 10 * time.Second,
		// the operator's own certificate, on this machine
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}, nil //nolint:gosec // self-signed, local
}

// scrape reads the operator's metrics at url.
func (s *scraper) scrape(url string) (metrics, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil) //nolint:noctx // bounded by the client's timeout
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: %s", resp.Status)
	}
	return parse(bufio.NewScanner(resp.Body))
}

// reviews are the TokenReviews and SubjectAccessReviews the API server has answered.
func (s *scraper) reviews(ctx context.Context) (float64, error) {
	raw, err := s.api.RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, err
	}
	m, err := parse(bufio.NewScanner(strings.NewReader(string(raw))))
	if err != nil {
		return 0, err
	}
	return m.sum("apiserver_request_total", `resource="tokenreviews"`, `verb="POST"`) +
		m.sum("apiserver_request_total", `resource="subjectaccessreviews"`, `verb="POST"`), nil
}

// parse reads Prometheus' text format: "name{labels}" → value.
func parse(sc *bufio.Scanner) (metrics, error) {
	out := metrics{}
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out, sc.Err()
}
