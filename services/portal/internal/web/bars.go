package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Bars is a horizontal bar chart drawn on the server: one bar per row, stacked from the
// series' values, with an optional marker per row (a share of the time passed, a target).
// The picture has a title and a description for screen readers, and the same figures
// follow as a table (WCAG 1.1.1: the chart is never the only way to read them).
type Bars struct {
	// ID makes the chart's ids unique on its page.
	ID, Title, Desc string
	Series          []Series
	Rows            []BarRow
	// Max is the end of the scale; 0 takes the largest row (rounded up to a round figure).
	Max float64
	// Format writes a value (whole numbers by default).
	Format func(float64) string
	// Marker names the rows' markers in the legend and the table ("" when none).
	Marker string
}

// Series is one part of a stacked bar: its name in the legend and its colour (each has a
// contrast of at least 3:1 on white, WCAG 1.4.11).
type Series struct{ Name, Colour string }

// BarRow is one bar: a value per series, and where its marker stands.
type BarRow struct {
	Label  string
	Values []float64
	Marker *float64
}

// The chart palette: dark enough on white, told apart by more than hue alone since every
// value is also written out in the table.
const (
	Blue   = "#0b4f8a"
	Green  = "#2e6b30"
	Orange = "#9a4d00"
	Red    = "#a0261b"
	Purple = "#5b3a8c"
	Grey   = "#6b7480"
)

// minVisible is the least width a value above zero gets, so 4 of 1,000 still shows.
const minVisible = 3.0

// Chart renders the bars and their table.
func (c Bars) Chart() template.HTML {
	if len(c.Rows) == 0 {
		return ""
	}
	format := c.Format
	if format == nil {
		format = func(v float64) string { return Number(int64(math.Round(v))) }
	}
	labelW := 10.0
	for _, r := range c.Rows {
		labelW = math.Max(labelW, float64(len([]rune(r.Label)))*7.2)
	}
	labelW = math.Min(labelW+12, 260)
	const w, rowH, barH, top, valueW = 760.0, 34.0, 20.0, 44.0, 110.0
	h := top + rowH*float64(len(c.Rows)) + 28
	scale := c.Max
	if scale <= 0 {
		for _, r := range c.Rows {
			scale = math.Max(scale, sum(r.Values))
			if r.Marker != nil {
				scale = math.Max(scale, *r.Marker)
			}
		}
		scale = niceCeil(scale)
	}
	plotW := w - labelW - valueW
	x := func(v float64) float64 { return labelW + plotW*math.Min(v, scale)/scale }

	var b strings.Builder
	id := template.HTMLEscapeString(c.ID)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="%s-titel %s-uitleg">`, w, h, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-titel">%s</title><desc id="%s-uitleg">%s</desc>`, id, template.HTMLEscapeString(c.Title), id, template.HTMLEscapeString(c.Desc))
	// legend
	lx := labelW
	b.WriteString(`<g font-size="13" fill="#1b1f24">`)
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%.1f" y="10" width="14" height="14" fill="%s"/><text x="%.1f" y="22">%s</text>`, lx, s.Colour, lx+20, template.HTMLEscapeString(s.Name))
		lx += 20 + float64(len([]rune(s.Name)))*7.4 + 18
	}
	if c.Marker != "" {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="8" y2="26" stroke="#1b1f24" stroke-width="3"/><text x="%.1f" y="22">%s</text>`, lx+6, lx+6, lx+14, template.HTMLEscapeString(c.Marker))
	}
	b.WriteString(`</g>`)
	// scale lines
	for i := 0; i <= 4; i++ {
		v := scale * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#c9d1da"/>`, x(v), x(v), top-6, h-24)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#4a5562">%s</text>`, x(v), h-8, template.HTMLEscapeString(format(v)))
	}
	for i, r := range c.Rows {
		y := top + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="13" fill="#1b1f24">%s</text>`, labelW-8, y+barH/2+5, template.HTMLEscapeString(clip(r.Label, 34)))
		at := 0.0
		for j, v := range r.Values {
			if v <= 0 || j >= len(c.Series) {
				continue
			}
			x0, x1 := x(at), x(at+v)
			width := math.Max(x1-x0, minVisible)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, x0, y, width, barH, c.Series[j].Colour)
			at += v
		}
		end := math.Max(x(at), labelW+minVisible)
		if r.Marker != nil {
			mx := x(*r.Marker)
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#1b1f24" stroke-width="3"/>`, mx, mx, y-4, y+barH+4)
			end = math.Max(end, mx)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" fill="#1b1f24">%s</text>`, end+6, y+barH/2+5, template.HTMLEscapeString(format(sum(r.Values))))
	}
	b.WriteString(`</svg>`)
	b.WriteString(c.table(format))
	return template.HTML(b.String()) //nolint:gosec // built here from numbers and escaped text
}

// table is the chart's figures for those who do not see the picture or want the numbers.
func (c Bars) table(format func(float64) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<details class="chart-table"><summary>%s als tabel</summary><table><caption>%s</caption><thead><tr><th scope="col"></th>`,
		template.HTMLEscapeString(c.Title), template.HTMLEscapeString(c.Title))
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<th scope="col" class="num">%s</th>`, template.HTMLEscapeString(s.Name))
	}
	if c.Marker != "" {
		fmt.Fprintf(&b, `<th scope="col" class="num">%s</th>`, template.HTMLEscapeString(c.Marker))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, r := range c.Rows {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th>`, template.HTMLEscapeString(r.Label))
		for j := range c.Series {
			v := 0.0
			if j < len(r.Values) {
				v = r.Values[j]
			}
			fmt.Fprintf(&b, `<td class="num">%s</td>`, template.HTMLEscapeString(format(v)))
		}
		if c.Marker != "" {
			m := ""
			if r.Marker != nil {
				m = format(*r.Marker)
			}
			fmt.Fprintf(&b, `<td class="num">%s</td>`, template.HTMLEscapeString(m))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></details>`)
	return b.String()
}

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += math.Max(v, 0)
	}
	return t
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Euros writes a chart's value in cents as an amount.
func Euros(cents float64) string { return Euro(int64(math.Round(cents))) }

// Percents writes a chart's value in basis points as a percentage.
func Percents(bp float64) string { return Percent(int64(math.Round(bp))) }
