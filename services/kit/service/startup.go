package service

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/werkregio/platform/services/kit/outage"
	"github.com/werkregio/platform/services/kit/store"
)

// untilAnswers runs f until it succeeds, retrying with capped, jittered backoff while it
// fails because a dependency does not answer (said once by outages); any other error, or
// the end of ctx, is returned.
func untilAnswers(ctx context.Context, outages *outage.Tracker, part string, f func() error) error {
	backoff := time.Duration(0)
	for {
		err := f()
		if err == nil {
			outages.Recovered(ctx, part)
			return nil
		}
		if !unreachable(err) {
			return err
		}
		outages.Failed(ctx, part, err)
		var wait time.Duration
		backoff, wait = outage.Backoff(backoff, 200*time.Millisecond, 10*time.Second)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// unreachable says err means a dependency did not answer (a closed port, a timeout), not
// that it refused what was asked.
func unreachable(err error) bool {
	var ne net.Error
	var op *net.OpError
	return store.IsUnavailable(err) || errors.As(err, &ne) || errors.As(err, &op) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
