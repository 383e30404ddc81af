package civil

import "testing"

// Amounts in files are plain decimals to the cent, negative ones included.
func TestAmountsAsDisplayedAndAsWritten(t *testing.T) {
	for cents, want := range map[int64][2]string{0: {"EUR 0,00", "0.00"}, 5: {"EUR 0,05", "0.05"}, 123456: {"EUR 1.234,56", "1234.56"},
		-5: {"-EUR 0,05", "-0.05"}, 30625000: {"EUR 306.250,00", "306250.00"}} {
		if got := [2]string{Euro(cents), Decimal(cents)}; got != want {
			t.Errorf("%d: %v, want %v", cents, got, want)
		}
	}
}
