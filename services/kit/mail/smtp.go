package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/config"
)

// SMTP sends e-mail to a server (STARTTLS when the server offers it; PLAIN authentication
// when a user is set, which net/smtp allows only over TLS or to localhost).
type SMTP struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
	Timeout  time.Duration
}

// FromEnv reads SMTP_ADDR, SMTP_FROM, SMTP_USERNAME and SMTP_PASSWORD; without an address
// it is nil and the service sends no e-mail.
func FromEnv(env *config.Env, defaultFrom string) *SMTP {
	s := &SMTP{Addr: env.String("SMTP_ADDR", ""), From: env.String("SMTP_FROM", defaultFrom),
		Username: env.String("SMTP_USERNAME", ""), Password: env.String("SMTP_PASSWORD", "")}
	env.Check(ValidAddress(s.From), "SMTP_FROM", "must be an e-mail address")
	if s.Addr == "" {
		return nil
	}
	return s
}

// ValidAddress is a bare e-mail address (no display name).
func ValidAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && !strings.ContainsAny(s, "<>")
}

// Send delivers one mail to its addressees.
func (s *SMTP) Send(ctx context.Context, m Mail) error {
	msg, err := Render(s.From, m, time.Now())
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	for _, r := range m.To {
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
