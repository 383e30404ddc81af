// Package messages is the one catalogue of what the services tell people: every rule a
// request can break and every reason a state refuses it has a stable code (its English
// template as a slug, the way gettext keys a message by its msgid) and its parameters; the
// portal and the e-mails render it in Dutch from nl.yaml. The English text stays beside it
// for logs and API clients.
package messages

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Message is a rule or reason by its code, with its parameters as text.
type Message struct {
	Code   string
	Params []string
	// Template is the English, kept to say the message in English (logs, events, API text).
	Template string
}

// English is the message in English: its template with its parameters.
func (m Message) English() string {
	args := make([]any, len(m.Params))
	for i, p := range m.Params {
		args[i] = p
	}
	return fmt.Sprintf(verb.ReplaceAllStringFunc(m.Template, func(v string) string {
		if v == "%%" {
			return v
		}
		return "%s"
	}), args...)
}

// verb finds the fmt verbs of a template, in order (%% is not one).
var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// CodeOf is a template's stable code: lower case, a verb as "x", words joined by dashes.
func CodeOf(template string) string {
	s := verb.ReplaceAllStringFunc(template, func(v string) string {
		if v == "%%" {
			return " percent "
		}
		return " x "
	})
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	code := strings.TrimRight(b.String(), "-")
	if len(code) > 80 {
		code = code[:80]
		if i := strings.LastIndexByte(code, '-'); i > 40 {
			code = code[:i]
		}
	}
	return code
}

// Of is the message a template and its arguments make; each parameter is its argument as
// the template's verb shows it (a %q without its quotes).
func Of(template string, args ...any) Message {
	m := Message{Code: CodeOf(template), Template: template}
	verbs := verb.FindAllString(template, -1)
	i := 0
	for _, v := range verbs {
		if v == "%%" || i >= len(args) {
			continue
		}
		if strings.HasSuffix(v, "q") {
			v = v[:len(v)-1] + "v"
		}
		m.Params = append(m.Params, fmt.Sprintf(v, args[i]))
		i++
	}
	return m
}

//go:embed nl.yaml
var nlYAML []byte

type catalogue struct {
	// Messages: code -> the English template and the Dutch text ({1}, {2}: the parameters).
	Messages map[string]struct{ EN, NL string } `yaml:"messages"`
	// Values: words a parameter may be (a status, a kind) and how Dutch says them.
	Values map[string]string `yaml:"values"`
}

var nl = func() catalogue {
	var c catalogue
	if err := yaml.Unmarshal(nlYAML, &c); err != nil {
		panic("messages: nl.yaml: " + err.Error())
	}
	return c
}()

// Dutch is the message in Dutch; false when the catalogue does not know its code.
func Dutch(m Message) (string, bool) {
	entry, ok := nl.Messages[m.Code]
	if !ok {
		return "", false
	}
	out := entry.NL
	for i, p := range m.Params {
		out = strings.ReplaceAll(out, "{"+strconv.Itoa(i+1)+"}", DutchValue(p))
	}
	return out, true
}

var decimalPoint = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

var isoDay = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// DutchValue is a parameter as Dutch says it: a day as "1 mei 2026", a known word (a
// status, a kind) in Dutch, anything else (a name, an id, an amount) as it is.
func DutchValue(p string) string {
	if m := isoDay.FindStringSubmatch(p); m != nil {
		month, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		if month >= 1 && month <= 12 {
			return fmt.Sprintf("%d %s %s", day, months[month-1], m[1])
		}
	}
	if v, ok := nl.Values[p]; ok {
		return v
	}
	if decimalPoint.MatchString(p) { // a fraction as the services write it (0.90)
		return strings.Replace(p, ".", ",", 1)
	}
	if amount, ok := strings.CutPrefix(p, "EUR "); ok { // an amount as the services write it
		return "€ " + amount
	}
	if amount, ok := strings.CutPrefix(p, "-EUR "); ok {
		return "−€ " + amount
	}
	return p
}

// Known reports whether the catalogue has the code (for the tests that hold the services to it).
func Known(code string) bool { _, ok := nl.Messages[code]; return ok }

// English is the catalogue's English template of a code.
func English(code string) string { return nl.Messages[code].EN }

// Codes lists every code the catalogue has.
func Codes() []string {
	out := make([]string, 0, len(nl.Messages))
	for c := range nl.Messages {
		out = append(out, c)
	}
	return out
}

// Stored is a message as a service keeps it in a document: its code and parameters; its
// template comes back from the catalogue when it is read.
type Stored struct {
	Rule   string   `json:"rule"`
	Params []string `json:"params,omitempty"`
}

// Store is the stored form of m; nil when m states no rule.
func Store(m Message) *Stored {
	if m.Code == "" {
		return nil
	}
	return &Stored{Rule: m.Code, Params: m.Params}
}

// Message is the stored message again (the zero Message when none was stored).
func (s *Stored) Message() Message {
	if s == nil {
		return Message{}
	}
	return Message{Code: s.Rule, Params: s.Params, Template: English(s.Rule)}
}
