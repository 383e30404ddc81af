package civil

import "fmt"

// Euro writes an amount in cents the Dutch way: EUR 1.234,56 (money is never a float).
func Euro(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	s := fmt.Sprintf("%d", cents/100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return fmt.Sprintf("%sEUR %s,%02d", sign, s, cents%100)
}

// Decimal writes an amount in cents as a plain decimal for files machines read (CSV):
// 1234.56, -0.05. Never a float.
func Decimal(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
