package httpserver

import "testing"

// Every cell that a spreadsheet would run as a formula shows as text; numbers stay numbers.
func TestACSVCellIsNeverAFormula(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("https://evil.example","klik")`: `'=HYPERLINK("https://evil.example","klik")`,
		"+31 6 1234": "'+31 6 1234", "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0", "@SUM(1+1)": "'@SUM(1+1)",
		"\t=1+1": "'\t=1+1", "\r=1+1": "'\r=1+1", "-12.50": "-12.50", "380.00": "380.00", "Bouwschool": "Bouwschool", "": "",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}
