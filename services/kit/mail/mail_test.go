package mail

import (
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/messages"
)

// An e-mail is Dutch from the catalogue, a plain-text part first and HTML after, what a
// user typed escaped in the HTML, and its cause as Message-ID.
func TestAMailIsDutchTextAndHTML(t *testing.T) {
	m := Mail{Cause: "certificate/12345678/c-1/2027-01-05/30", To: []string{"planning@example.nl"},
		Title: messages.Of("Your certificate %s expires on %s", "VCA", "2027-01-05"),
		Paragraphs: []messages.Message{
			messages.Of("Certificate %s (number %s) of %s expires on %s.", "VCA", "<b>1</b>", "Bouwschool & Zn", "2027-01-05"),
			{Code: "not-in-the-catalogue", Template: "kept in English"},
		},
		Link: "https://portaal.example.nl/organisatie", LinkLabel: "Leg het nieuwe certificaat vast"}
	raw, err := Render("opleiders@groningen.werkregio.nl", m, time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Uw certificaat VCA verloopt op 5 januari 2027" || msg.Header.Get("Message-ID") != "<certificate.12345678.c-1.2027-01-05.30@werkregio>" ||
		msg.Header.Get("Content-Language") != "nl" {
		t.Fatalf("headers: %q %v", subject, msg.Header)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	parts := multipart.NewReader(msg.Body, params["boundary"])
	var bodies []string
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		bodies = append(bodies, p.Header.Get("Content-Type")+"\n"+string(b))
	}
	if len(bodies) != 2 || !strings.HasPrefix(bodies[0], "text/plain") || !strings.HasPrefix(bodies[1], "text/html") {
		t.Fatalf("parts: %q", bodies)
	}
	text, html := bodies[0], bodies[1]
	for _, want := range []string{"Het certificaat VCA (nummer <b>1</b>) van Bouwschool & Zn verloopt op 5 januari 2027.", "kept in English",
		"Leg het nieuwe certificaat vast: https://portaal.example.nl/organisatie"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(html, "<b>1</b>") || !strings.Contains(html, "&lt;b&gt;1&lt;/b&gt;") || !strings.Contains(html, "Bouwschool &amp; Zn") ||
		!strings.Contains(html, `<a href="https://portaal.example.nl/organisatie">`) {
		t.Errorf("html does not escape what was typed:\n%s", html)
	}
}
