package controller

import (
	"path/filepath"

	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// The operator checks a scraper's token with the API server (TokenReview) and its right to
// read /metrics (SubjectAccessReview).
// +kubebuilder:rbac:groups=authentication.k8s.io,resources=tokenreviews,verbs=create
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create

// MetricsServer serves the operator's metrics over HTTPS to callers the API server
// authenticates and authorises (get on the non-resource URL /metrics), as kubebuilder's
// scaffold does; certDir holds tls.crt and tls.key (e.g. from cert-manager), or is empty
// for a certificate the operator makes itself.
func MetricsServer(addr, certDir string) metricsserver.Options {
	o := metricsserver.Options{BindAddress: addr, SecureServing: true, FilterProvider: filters.WithAuthenticationAndAuthorization}
	if certDir != "" {
		o.CertDir, o.CertName, o.KeyName = filepath.Clean(certDir), "tls.crt", "tls.key"
	}
	return o
}
