package web

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A workbook holds amounts as numbers Excel sums, and whatever a user typed as text that
// never runs as a formula; a KvK number keeps its leading zero.
func TestAWorkbookHoldsNumbersAsNumbersAndTypedTextAsText(t *testing.T) {
	var buf bytes.Buffer
	b, err := NewWorkbook(&buf, "Projecten: 2026/Q1", "Project", "KvK-nummer", "Verplichting (€)", "Aantal")
	if err != nil {
		t.Fatal(err)
	}
	b.Row("=HYPERLINK(\"http://x\")", "01234567", "1250,50", "12")
	b.Row("-2,00", "12345678", "-3,25", "0")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "B2": excelize.CellTypeInlineString,
		"C2": excelize.CellTypeUnset, "D2": excelize.CellTypeUnset, "B3": excelize.CellTypeUnset} {
		got, err := f.GetCellType(sheet, cell)
		if err != nil || got != want {
			t.Errorf("%s: type %v (%v), want %v", cell, got, err, want)
		}
	}
	if formula, _ := f.GetCellFormula(sheet, "A2"); formula != "" {
		t.Errorf("typed text became the formula %q", formula)
	}
	if v, _ := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true}); v != "1250.5" {
		t.Errorf("an amount is %q, want the number 1250.5", v)
	}
	if v, _ := f.GetCellValue(sheet, "B2"); v != "01234567" {
		t.Errorf("a KvK number with a leading zero reads %q", v)
	}
	rows, _ := f.GetRows(sheet)
	if len(rows) != 3 || rows[0][2] != "Verplichting (€)" {
		t.Errorf("rows %v", rows)
	}
}
