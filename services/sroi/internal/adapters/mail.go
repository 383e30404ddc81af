package adapters

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
	"github.com/werkregio/platform/services/sroi/internal/app"
)

// mail is a notification as people read it: in Dutch (from the catalogue), as HTML with a
// plain-text part for mail programs that show no HTML. A notification recorded before it
// carried its messages is sent as it was written.
type mail struct {
	Subject    string
	Paragraphs []string
	Link       string
}

func mailOf(n app.Notification) mail {
	subject, ok := messages.Dutch(n.Title)
	if !ok {
		return mail{Subject: n.Subject, Paragraphs: strings.Split(n.Body, "\n\n")}
	}
	m := mail{Subject: subject, Link: n.Link}
	for _, p := range n.Paragraphs {
		if text, ok := messages.Dutch(p); ok {
			m.Paragraphs = append(m.Paragraphs, sentence(text))
		} else {
			m.Paragraphs = append(m.Paragraphs, p.English())
		}
	}
	return m
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

var mailHTML = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">Bekijk het project in het portaal</a></p>
{{end}}<p style="color: #555; font-size: 14px">Dit bericht is verstuurd door het platform van de arbeidsmarktregio. U ontvangt het als partij bij dit project.</p>
</body></html>
`))

func (m mail) text() string {
	out := strings.Join(m.Paragraphs, "\n\n")
	if m.Link != "" {
		out += "\n\nBekijk het project in het portaal: " + m.Link
	}
	return out + "\n\nDit bericht is verstuurd door het platform van de arbeidsmarktregio. U ontvangt het als partij bij dit project.\n"
}

// message is the e-mail: multipart/alternative, plain text first; the Message-ID carries
// the notification's cause, so a resend is recognisably the same message.
func message(from string, to []string, m mail, cause string) ([]byte, error) {
	var b bytes.Buffer
	id := strings.NewReplacer("/", ".", " ", "").Replace(cause)
	var body bytes.Buffer
	parts := multipart.NewWriter(&body)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@werkregio>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Language: nl\r\nContent-Type: multipart/alternative; boundary=%s\r\n\r\n",
		from, strings.Join(to, ", "), mime.QEncoding.Encode("utf-8", m.Subject), id, time.Now().UTC().Format(time.RFC1123Z), parts.Boundary())
	text, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	if _, err := text.Write([]byte(strings.ReplaceAll(m.text(), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	html, err := parts.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/html; charset=utf-8"}, "Content-Transfer-Encoding": {"8bit"}})
	if err != nil {
		return nil, err
	}
	if err := mailHTML.Execute(html, m); err != nil {
		return nil, err
	}
	if err := parts.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}
