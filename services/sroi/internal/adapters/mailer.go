package adapters

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"github.com/werkregio/platform/services/sroi/internal/app"
)

// Mailer sends e-mail over SMTP (STARTTLS when the server offers it; PLAIN authentication
// when a user is set, which net/smtp allows only over TLS or to localhost).
type Mailer struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
	Timeout  time.Duration
}

func (m *Mailer) Send(ctx context.Context, to []string, n app.Notification) error {
	msg, err := message(m.From, to, mailOf(n), n.Cause)
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", m.Addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(tlsConfig(host)); err != nil {
			return err
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
