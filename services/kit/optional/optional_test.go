package optional_test

import (
	"testing"

	"github.com/werkregio/platform/services/kit/optional"
)

// An empty text is left out of an event, and a field left out reads as empty: the round trip
// keeps every value.
func TestAFieldLeftOutIsTheZeroValue(t *testing.T) {
	if optional.Of("") != nil || optional.Of(0) != nil {
		t.Error("a zero value is not left out")
	}
	if p := optional.Of("reason"); p == nil || *p != "reason" || optional.Value(p) != "reason" {
		t.Errorf("Of(reason) = %v", p)
	}
	var none *float64
	if optional.Value(none) != 0 || optional.Value[string](nil) != "" {
		t.Error("a field left out does not read as its zero value")
	}
}
