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
// server selection that timed out without trying a connection, a pool cleared because
// another operation lost its connection, as much as a refused one.
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
	if !store.IsUnavailable(fmt.Errorf("claim: %w", clearedPool{})) {
		t.Error("a cleared connection pool: not unavailable")
	}
	if store.IsUnavailable(errors.New("duplicate key")) {
		t.Error("any error is unavailable")
	}
}

// clearedPool is what the driver answers when another operation lost the connection and the
// pool was cleared (its own type is unexported): a retryable pool error.
type clearedPool struct{}

func (clearedPool) Error() string {
	return "connection pool for 127.0.0.1:27017 was cleared because another operation failed with: EOF"
}
func (clearedPool) Retryable() bool { return true }
