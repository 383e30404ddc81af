package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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
func Number(n int64) string {
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
func Percent(basisPoints int64) string {
	s := strconv.FormatFloat(float64(basisPoints)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + "%"
}

// Ratio formats a share (0..1) as a whole percentage.
func Ratio(part, whole int64) string {
	if whole == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (part*100+whole/2)/whole)
}

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// Date formats a date (YYYY-MM-DD, or an RFC 3339 time) as "2 december 2026".
func Date(s string) string {
	if s == "" {
		return "–"
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return s
		}
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// DateTime formats a moment in Dutch time: "2 december 2026 09:14".
func DateTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Date(s)
	}
	t = t.In(amsterdam)
	return fmt.Sprintf("%d %s %d %02d:%02d", t.Day(), months[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

var amsterdam = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Decimal formats a number the Dutch way, without trailing zeros: 6.5 → 6,5.
func Decimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}
