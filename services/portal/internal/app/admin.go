package app

import (
	"context"
	"net/url"
	"strconv"

	"github.com/werkregio/platform/contracts/openapi/commonapi"
)

// DeadLetters is up to limit of the messages a service could not accept.
func (p *Portal) DeadLetters(ctx context.Context, u User, service string, limit int) (Page[commonapi.DeadLetter], error) {
	return list[commonapi.DeadLetter](ctx, p, u.call(service, "/api/v1/admin/dead-letters", url.Values{"limit": {strconv.Itoa(limit)}}))
}

// DeadLetter is one dead letter of a service, with the reason it was refused.
func (p *Portal) DeadLetter(ctx context.Context, u User, service, id string) (commonapi.DeadLetter, error) {
	return get[commonapi.DeadLetter](ctx, p, u.call(service, "/api/v1/admin/dead-letters/"+url.PathEscape(id), nil))
}

// ReplayDeadLetters hands one dead letter (or, id "", all) back to its service.
func (p *Portal) ReplayDeadLetters(ctx context.Context, u User, service, id, key string) (commonapi.ReplayOutcome, error) {
	body := map[string]any{"id": id}
	if id == "" {
		body = map[string]any{"all": true}
	}
	return post[commonapi.ReplayOutcome](ctx, p, u.call(service, "/api/v1/admin/dead-letters/replay", nil), key, body)
}

// DiscardDeadLetter gives up on a dead letter with the administrator's reason.
func (p *Portal) DiscardDeadLetter(ctx context.Context, u User, service, id, reason, key string) error {
	_, err := post[struct{}](ctx, p, u.call(service, "/api/v1/admin/dead-letters/discard", nil), key, commonapi.DiscardDeadLetterJSONBody{ID: id, Reason: reason})
	return err
}

// ParkedEvents is up to limit of a service's commits whose events could not be published.
func (p *Portal) ParkedEvents(ctx context.Context, u User, service string, limit int) (Page[commonapi.ParkedCommit], error) {
	return list[commonapi.ParkedCommit](ctx, p, u.call(service, "/api/v1/admin/outbox/parked", url.Values{"limit": {strconv.Itoa(limit)}}))
}

// RepublishParked puts a parked commit's events back in its service's relay queue.
func (p *Portal) RepublishParked(ctx context.Context, u User, service, commit, key string) error {
	_, err := post[struct{}](ctx, p, u.call(service, "/api/v1/admin/outbox/parked/republish", nil), key, map[string]string{"commit": commit})
	return err
}

// DiscardParked gives up on a parked commit's events with the administrator's reason.
func (p *Portal) DiscardParked(ctx context.Context, u User, service, commit, reason, key string) error {
	_, err := post[struct{}](ctx, p, u.call(service, "/api/v1/admin/outbox/parked/discard", nil), key, map[string]string{"commit": commit, "reason": reason})
	return err
}
