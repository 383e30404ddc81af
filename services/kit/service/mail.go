package service

import (
	"context"
	"time"

	"github.com/werkregio/platform/services/kit/mail"
)

// Outbox is the service's e-mail: SMTP_ADDR, SMTP_FROM (from defaultFrom),
// SMTP_USERNAME, SMTP_PASSWORD; what is due is sent every MAIL_RETRY_INTERVAL (five
// seconds: a confirmation link is expected at once; the query is one indexed look). Without
// SMTP_ADDR nothing is kept or sent.
func (p *Platform) Outbox(defaultFrom string, clock func() time.Time) *mail.Outbox {
	env := p.Config.Env
	smtp := mail.FromEnv(env, defaultFrom)
	every := env.Duration("MAIL_RETRY_INTERVAL", 5*time.Second)
	var send mail.Sender
	if smtp != nil {
		send = smtp
	} else {
		p.Log.Warn("SMTP_ADDR is not set: no e-mail is sent, the events still tell")
	}
	o := mail.NewOutbox(p.DB, send, clock)
	if o.Sends() {
		p.AddCountingJob("mail", every, "e-mails sent", "mails", func(ctx context.Context) (int, error) { return o.Deliver(ctx, 50) })
	}
	return o
}
