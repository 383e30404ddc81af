package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/calendar"
)

// Euro formats integer cents the Dutch way: € 1.234,56 (and − for a negative amount).
func Euro(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "−", -cents
	}
	return fmt.Sprintf("%s€ %s,%02d", sign, thousands(cents/100), cents%100)
}

// Number formats an integer with Dutch thousands separators.
func Number[N ~int | ~int32 | ~int64](v N) string {
	n := int64(v)
	if n < 0 {
		return "−" + thousands(-n)
	}
	return thousands(n)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// Percent formats basis points: 500 → 5%, 1250 → 12,5%.
func Percent[N ~int | ~int32 | ~int64](basisPoints N) string {
	s := strconv.FormatFloat(float64(basisPoints)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + "%"
}

// Ratio formats a share (0..1) as a whole percentage.
func Ratio[N ~int | ~int64](part, whole N) string {
	if whole == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (part*100+whole/2)/whole)
}

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// Month writes a month the services send as YYYY-MM as "maart 2027" (as given when it is not one).
func Month(ym string) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return ym
	}
	return fmt.Sprintf("%s %d", months[t.Month()-1], t.Year())
}

// Day is anything the services send as a day or a moment: a calendar.Date, a time.Time (a
// pointer to either when it is optional), or its text (YYYY-MM-DD, RFC 3339).
type Day interface {
	~string | calendar.Date | *calendar.Date | time.Time | *time.Time
}

// Date formats a day (or the day of a moment) as "2 december 2026"; "–" when there is none.
func Date[D Day](v D) string {
	var t time.Time
	switch d := any(v).(type) {
	case calendar.Date:
		t = d.Time()
	case *calendar.Date:
		if d != nil {
			t = d.Time()
		}
	case time.Time:
		t = d
	case *time.Time:
		if d != nil {
			t = *d
		}
	default:
		s := fmt.Sprint(d)
		var err error
		if t, err = time.Parse("2006-01-02", s); err != nil {
			if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				if s == "" {
					return "–"
				}
				return s
			}
		}
	}
	if t.IsZero() {
		return "–"
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// DateTime formats a moment in Dutch time: "2 december 2026 09:14" (a day as Date does).
func DateTime[D Day](v D) string {
	var t time.Time
	switch d := any(v).(type) {
	case time.Time:
		t = d
	case *time.Time:
		if d != nil {
			t = *d
		}
	case calendar.Date, *calendar.Date:
		return Date(v)
	default:
		var err error
		if t, err = time.Parse(time.RFC3339Nano, fmt.Sprint(d)); err != nil {
			return Date(v)
		}
	}
	if t.IsZero() {
		return "–"
	}
	t = t.In(Amsterdam)
	return fmt.Sprintf("%d %s %d %02d:%02d", t.Day(), months[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// Amsterdam is the time zone the portal shows times and days in.
var Amsterdam = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Decimal formats a number the Dutch way, without trailing zeros: 6.5 → 6,5.
func Decimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// Text is an optional text as shown: "" when there is none.
func Text[S ~string](s *S) string {
	if s == nil {
		return ""
	}
	return string(*s)
}

// List is codes or names in a line: "a, b, c".
func List[S ~string](items []S) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// IBAN writes an account number in groups of four, as on a bank card.
func IBAN(iban string) string {
	var b strings.Builder
	for i, r := range iban {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
