// Package v1alpha1 holds the Region API: one werkregio platform instance for one
// labour-market region (arbeidsmarktregio).
// +kubebuilder:object:generate=true
// +groupName=werkregio.nl
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the API group and version of Region.
	GroupVersion = schema.GroupVersion{Group: "werkregio.nl", Version: "v1alpha1"}

	// SchemeBuilder registers the types with a scheme (kubebuilder's layout; the API package
	// stays small).
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion} //nolint:staticcheck // kubebuilder's API layout

	// AddToScheme adds the types of this group-version to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
