package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// IsUnavailable reports whether err means the store could not be reached or did not answer
// in time (a closed port, a hung or failing-over replica set, the request's deadline): a
// passing cause, answered 503 with Retry-After, never 500.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var se mongo.ServerError
	if errors.As(err, &se) && (se.HasErrorLabel("RetryableWriteError") || se.HasErrorLabel("TransientTransactionError")) {
		return true
	}
	// no server selected in time: the port closed or nothing answers (it wraps the last
	// network error only when a connection was tried within the wait)
	if errors.As(err, &topology.ServerSelectionError{}) {
		return true
	}
	// the pool was cleared because another operation lost its connection: the driver calls
	// this retryable, and it says no more of the network error behind it
	var cleared driver.RetryablePoolError
	if errors.As(err, &cleared) && cleared.Retryable() {
		return true
	}
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, mongo.ErrClientDisconnected)
}
