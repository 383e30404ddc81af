package controller

import (
	appsv1 "k8s.io/api/apps/v1"

	v1 "github.com/werkregio/platform/operators/region-operator/api/v1alpha1"
)

func ExportDeployment(r *v1.Region) *appsv1.Deployment {
	return deployment(r, "procurement", "registry.test/werkregio/procurement:test", configMap(r, "procurement"))
}
