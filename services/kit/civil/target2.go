package civil

import "time"

// TARGET2Day reports whether the euro's settlement system settles on a day: every weekday
// except New Year's Day, Good Friday, Easter Monday, 1 May and 25 and 26 December (the
// ECB's TARGET2 closing days). A SEPA credit transfer's requested execution date is one.
func TARGET2Day(d Date) bool {
	t := d.Time()
	switch t.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	m, day := t.Month(), t.Day()
	switch {
	case m == time.January && day == 1, m == time.May && day == 1, m == time.December && (day == 25 || day == 26):
		return false
	}
	easter := EasterSunday(t.Year())
	return d != easter.AddDays(-2) && d != easter.AddDays(1)
}

// NextTARGET2Day is the first TARGET2 day on or after d.
func NextTARGET2Day(d Date) Date {
	for !TARGET2Day(d) {
		d = d.AddDays(1)
	}
	return d
}

// EasterSunday is Easter Sunday of a year in the Gregorian calendar (the anonymous
// Gregorian algorithm, Meeus/Jones/Butcher).
func EasterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(year, time.Month(month), day)
}
