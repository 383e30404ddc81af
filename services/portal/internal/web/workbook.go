package web

import (
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is a download of rows: a CSV Dutch Excel opens in columns (Spreadsheet) or an Excel
// workbook (Workbook). Flush after each page of a long export; Close ends the file.
type Sheet interface {
	Row(cells ...string)
	Flush() error
	Close() error
}

// Workbook writes an .xlsx with one sheet: the header bold and frozen, a Dutch number (1234,56)
// as a number Excel sums (with two decimals when it has them), everything else as text, which
// Excel never runs as a formula.
type Workbook struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	amount int
	err    error
}

var dutchNumber = regexp.MustCompile(`^-?[0-9]+(,[0-9]+)?$`)

// NewWorkbook starts a workbook with its header row; Close writes it to w.
func NewWorkbook(w io.Writer, title string, header ...string) (*Workbook, error) {
	f := excelize.NewFile()
	sheet := clip(strings.NewReplacer("/", "-", "\\", "-", "?", "", "*", "", "[", "(", "]", ")", ":", "").Replace(title), 31)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	b := &Workbook{w: w, f: f, sw: sw, amount: amount}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{Value: h, StyleID: bold}
	}
	b.write(cells)
	return b, b.err
}

// Row writes one row.
func (b *Workbook) Row(cells ...string) {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = b.cell(c)
	}
	b.write(out)
}

func (b *Workbook) cell(c string) any {
	if !dutchNumber.MatchString(c) || len(c) > 15 || (len(c) > 1 && c[0] == '0' && c[1] != ',') {
		return c // text (a KvK number or a postcode with a leading zero stays as written)
	}
	v, err := strconv.ParseFloat(strings.Replace(c, ",", ".", 1), 64)
	if err != nil {
		return c
	}
	if strings.Contains(c, ",") {
		return excelize.Cell{Value: v, StyleID: b.amount}
	}
	return v
}

func (b *Workbook) write(cells []any) {
	if b.err != nil {
		return
	}
	b.row++
	name, err := excelize.CoordinatesToCellName(1, b.row)
	if err == nil {
		err = b.sw.SetRow(name, cells)
	}
	b.err = err
}

// Flush does nothing: a workbook is written whole when it is closed.
func (b *Workbook) Flush() error { return b.err }

// Close writes the workbook.
func (b *Workbook) Close() error {
	defer b.f.Close()
	if b.err != nil {
		return b.err
	}
	if err := b.sw.Flush(); err != nil {
		return err
	}
	_, err := b.f.WriteTo(b.w)
	return err
}
