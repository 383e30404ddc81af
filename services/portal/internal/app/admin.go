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
