package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
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
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, mongo.ErrClientDisconnected)
}
