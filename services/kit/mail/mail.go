// Package mail sends what the services tell people by e-mail: in Dutch from the one
// catalogue of messages, as HTML with a plain-text part, through an outbox that sends each
// cause once and retries a failed send with backoff.
package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
)

// Mail is one notification: its cause names it (one e-mail per cause, the Message-ID),
// Title and Paragraphs are messages said in Dutch. Subject and Body are the English of a
// notification recorded before it carried its messages; it is sent as it was written.
type Mail struct {
	Cause      string
	To         []string
	Title      messages.Message
	Paragraphs []messages.Message
	// Link opens the matter in the portal; LinkLabel says what it opens, in Dutch.
	Link      string
	LinkLabel string
	// Why tells the reader in Dutch why they receive it (as a party, as the finance team).
	Why     string
	Subject string
	Body    string
}

// letter is a mail as people read it.
type letter struct {
	Subject    string
	Paragraphs []string
	Link       string
	LinkLabel  string
	Why        string
}

func letterOf(m Mail) letter {
	l := letter{Link: m.Link, LinkLabel: m.LinkLabel, Why: m.Why}
	if l.LinkLabel == "" {
		l.LinkLabel = "Open het portaal"
	}
	if l.Why == "" {
		l.Why = "Dit bericht is verstuurd door het platform van de arbeidsmarktregio."
	}
	subject, ok := messages.Dutch(m.Title)
	if !ok {
		l.Subject, l.Paragraphs = m.Subject, strings.Split(m.Body, "\n\n")
		return l
	}
	l.Subject = subject
	for _, p := range m.Paragraphs {
		if text, ok := messages.Dutch(p); ok {
			l.Paragraphs = append(l.Paragraphs, sentence(text))
		} else {
			l.Paragraphs = append(l.Paragraphs, p.English())
		}
	}
	return l
}

// sentence starts with a capital and ends with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>
{{end}}<p style="color: #555; font-size: 14px">{{.Why}}</p>
</body></html>
`))

func (l letter) text() string {
	out := strings.Join(l.Paragraphs, "\n\n")
	if l.Link != "" {
		out += "\n\n" + l.LinkLabel + ": " + l.Link
	}
	return out + "\n\n" + l.Why + "\n"
}

// Render is the e-mail: multipart/alternative, plain text first; the Message-ID carries
// the cause, so a resend after a crash is recognisably the same message.
func Render(from string, m Mail, at time.Time) ([]byte, error) {
	l := letterOf(m)
	var b, body bytes.Buffer
	id := strings.NewReplacer("/", ".", " ", "", "<", "", ">", "").Replace(m.Cause)
	parts := multipart.NewWriter(&body)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@werkregio>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Language: nl\r\nContent-Type: multipart/alternative; boundary=%s\r\n\r\n",
		from, strings.Join(m.To, ", "), mime.QEncoding.Encode("utf-8", l.Subject), id, at.UTC().Format(time.RFC1123Z), parts.Boundary())
	text, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	if _, err := text.Write([]byte(strings.ReplaceAll(l.text(), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	html, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/html; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	if err := page.Execute(html, l); err != nil {
		return nil, err
	}
	if err := parts.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}
