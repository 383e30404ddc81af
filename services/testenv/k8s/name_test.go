package k8s

import "testing"

// Binaries built together are renamed from go build's names, so those must be known.
func TestBinaryNamesAreGoBuilds(t *testing.T) {
	for pkg, want := range map[string]string{
		"k8s.io/kubernetes/cmd/kube-apiserver": "kube-apiserver",
		"go.etcd.io/etcd/server/v3":            "server",
		"helm.sh/helm/v3/cmd/helm":             "helm",
		"github.com/google/ko":                 "ko",
	} {
		if got := binaryName(pkg); got != want {
			t.Errorf("%s: %s, want %s", pkg, got, want)
		}
	}
}
