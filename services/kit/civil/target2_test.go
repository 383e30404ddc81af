package civil

import "testing"

// Easter from published calendars, and the TARGET2 closing days around it and at year end.
func TestTARGET2ClosingDays(t *testing.T) {
	for year, want := range map[int]Date{2024: NewDate(2024, 3, 31), 2025: NewDate(2025, 4, 20), 2026: NewDate(2026, 4, 5),
		2027: NewDate(2027, 3, 28), 2038: NewDate(2038, 4, 25), 2000: NewDate(2000, 4, 23)} {
		if got := EasterSunday(year); got != want {
			t.Errorf("Easter %d: %s, want %s", year, got, want)
		}
	}
	closed := []Date{NewDate(2026, 4, 3), NewDate(2026, 4, 6), NewDate(2026, 5, 1), NewDate(2026, 12, 25), NewDate(2026, 12, 26),
		NewDate(2027, 1, 1), NewDate(2026, 12, 5), NewDate(2026, 12, 6)}
	for _, d := range closed {
		if TARGET2Day(d) {
			t.Errorf("%s is a TARGET2 day", d)
		}
	}
	for _, d := range []Date{NewDate(2026, 4, 2), NewDate(2026, 4, 7), NewDate(2026, 12, 24), NewDate(2026, 12, 28), NewDate(2026, 12, 7)} {
		if !TARGET2Day(d) {
			t.Errorf("%s is not a TARGET2 day", d)
		}
	}
	if got := NextTARGET2Day(NewDate(2026, 12, 25)); got != NewDate(2026, 12, 28) {
		t.Errorf("after Christmas 2026: %s", got)
	}
}
