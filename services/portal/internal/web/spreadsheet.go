package web

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"

	"github.com/werkregio/platform/services/kit/httpserver"
)

// bom is the UTF-8 byte order mark: without it Excel reads the file as Windows-1252.
const bom = "\uFEFF"

// Spreadsheet writes a CSV file that Dutch Excel opens in columns: a byte order mark, ';'
// between cells (the list separator of a Dutch Windows), a decimal comma, and every cell
// neutralised so nothing a user typed runs as a formula.
type Spreadsheet struct{ w *csv.Writer }

// NewSpreadsheet starts the file with its header row.
func NewSpreadsheet(w io.Writer, header ...string) *Spreadsheet {
	_, _ = io.WriteString(w, bom)
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	s := &Spreadsheet{w: cw}
	s.Row(header...)
	return s
}

// Row writes one row.
func (s *Spreadsheet) Row(cells ...string) {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = httpserver.Cell(c)
	}
	_ = s.w.Write(safe)
}

// Flush writes what is buffered (after every page, so a long export streams).
func (s *Spreadsheet) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

// Close ends the file.
func (s *Spreadsheet) Close() error { return s.Flush() }

// Amount is cents as a spreadsheet number in euro: 1234,56 (no thousands separator, so
// Excel reads a number).
func Amount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + itoa(cents/100) + "," + pad2(cents%100)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

var decimalPoint = regexp.MustCompile(`^-?[0-9]+\.[0-9]+$`)

// Translate rewrites a service's CSV (',' between cells, English headers, decimal points)
// into a sheet open makes from the Dutch headers: the headers in Dutch (a header the map
// lacks stays as it is), numbers with a decimal comma, words in values through values (a
// status, a kind).
func Translate(src io.Reader, headers, values map[string]string, open func(header ...string) (Sheet, error)) error {
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return err
	}
	for i, h := range head {
		if d, ok := headers[h]; ok {
			head[i] = d
		}
	}
	out, err := open(head...)
	if err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out.Close()
		}
		if err != nil {
			return err
		}
		for i, v := range rec {
			switch {
			case decimalPoint.MatchString(v):
				rec[i] = strings.Replace(v, ".", ",", 1)
			case values[v] != "":
				rec[i] = values[v]
			}
		}
		out.Row(rec...)
	}
}
