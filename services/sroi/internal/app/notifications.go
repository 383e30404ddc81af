package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/werkregio/platform/services/kit/privacy"
)

// RecordNotification follows the notifications topic: each cause is recorded once and
// sent; a failed send is retried by Deliver with backoff.
func (s *Service) RecordNotification(ctx context.Context, n Notification) error {
	n.Status = "pending"
	n.RetryAt = s.now().UTC()
	if _, err := s.Notifications.Record(ctx, n); err != nil {
		return err
	}
	_, err := s.Deliver(ctx)
	return err
}

// Deliver sends the notifications due, to the e-mail addresses of the parties named. A
// party without an address is skipped (the event still tells partner systems); a failed
// send waits longer each time. The cause is the e-mail's Message-ID, so a resend after a
// crash between sending and marking is recognisably the same message.
func (s *Service) Deliver(ctx context.Context) (int, error) {
	if s.Mailer == nil {
		return 0, nil
	}
	due, err := s.Notifications.Due(ctx, s.now(), 50)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range due {
		pr, err := s.Repo.LoadProject(ctx, n.ProjectID)
		if err != nil {
			return sent, err
		}
		var to []string
		for _, party := range n.To {
			c := map[string]string{"contractor": pr.Parties.Contractor.Email, "buyer": pr.Parties.Buyer.Email, "werkplein": pr.Parties.Werkplein.Email}[party]
			if c != "" && !slices.Contains(to, c) {
				to = append(to, c)
			}
		}
		if len(to) == 0 { // sent once the project's parties are known (SetParties)
			if err := s.Notifications.Unaddressed(ctx, n.Cause, s.now()); err != nil {
				return sent, err
			}
			continue
		}
		if err := s.Mailer.Send(ctx, to, n); err != nil {
			wait := time.Duration(1<<min(n.Attempts, 10)) * time.Minute
			reason := privacy.RedactError(err).Error()
			if ferr := s.Notifications.Failed(ctx, n.Cause, reason, s.now().Add(wait)); ferr != nil {
				return sent, ferr
			}
			continue
		}
		if err := s.Notifications.Sent(ctx, n.Cause, s.now()); err != nil {
			return sent, fmt.Errorf("sent %s but could not mark it: %w", n.Cause, err)
		}
		sent++
	}
	return sent, nil
}
