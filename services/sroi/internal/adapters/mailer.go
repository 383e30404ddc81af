package adapters

import (
	"context"

	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/sroi/internal/app"
)

// Mailer sends a project's notification to its parties' addresses by the kit's SMTP.
type Mailer struct{ SMTP *mail.SMTP }

func (m Mailer) Send(ctx context.Context, to []string, n app.Notification) error {
	return m.SMTP.Send(ctx, mail.Mail{Cause: n.Cause, To: to, Title: n.Title, Paragraphs: n.Paragraphs,
		Link: n.Link, LinkLabel: "Bekijk het project in het portaal",
		Why:     "Dit bericht is verstuurd door het platform van de arbeidsmarktregio. U ontvangt het als partij bij dit project.",
		Subject: n.Subject, Body: n.Body})
}
