package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/werkregio/platform/services/kit/store"
)

// A store that cannot be reached is a passing cause (503), whatever the driver wraps: a
// server selection that timed out without trying a connection as much as a refused one.
func TestAnUnreachableStoreIsUnavailable(t *testing.T) {
	for name, err := range map[string]error{
		"server selection timed out":     fmt.Errorf("load: %w", topology.ServerSelectionError{Wrapped: errors.New("server selection timeout")}),
		"the request's deadline":         fmt.Errorf("save: %w", context.DeadlineExceeded),
		"server selection, nothing more": topology.ServerSelectionError{},
	} {
		if !store.IsUnavailable(err) {
			t.Errorf("%s: not unavailable", name)
		}
	}
	if store.IsUnavailable(errors.New("duplicate key")) {
		t.Error("any error is unavailable")
	}
}
