package v1alpha1

import (
	"reflect"
	"strings"
	"testing"
)

// The Region resource has a block for every service of the catalog, in its order.
func TestServicesAreTheCatalogs(t *testing.T) {
	var fields []string
	st := reflect.TypeOf(Services{})
	for i := range st.NumField() {
		fields = append(fields, strings.Split(st.Field(i).Tag.Get("json"), ",")[0])
	}
	if strings.Join(fields, ",") != strings.Join(ServiceNames, ",") {
		t.Fatalf("Region.spec.services has %v, the catalog %v", fields, ServiceNames)
	}
}
