package web

import "testing"

func TestDutchFormats(t *testing.T) {
	for cents, want := range map[int64]string{0: "€ 0,00", 5: "€ 0,05", 123456789: "€ 1.234.567,89", -38000: "−€ 380,00"} {
		if got := Euro(cents); got != want {
			t.Errorf("Euro(%d) = %q, want %q", cents, got, want)
		}
	}
	if Percent(500) != "5%" || Percent(1250) != "12,5%" || Date("2026-12-02") != "2 december 2026" || Ratio(1, 3) != "33%" || Ratio(1, 0) != "–" {
		t.Error("formats")
	}
	if DateTime("2026-07-01T10:00:00Z") != "1 juli 2026 12:00" {
		t.Errorf("summer time: %s", DateTime("2026-07-01T10:00:00Z"))
	}
}
