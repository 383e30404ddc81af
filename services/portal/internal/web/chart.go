package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// GoalPoint is one quarter of a jobs goal: people in work so far and the target line.
type GoalPoint struct {
	Quarter    string
	Cumulative int
	Target     int
	// Future quarters have no realised figure yet.
	Future bool
}

// GoalChart draws a jobs goal as an SVG rendered on the server: the people in work so far
// (bars), the straight target line (dashed) and the pace needed from now to the deadline
// (dotted). It is an image with a title and description for screen readers; the page shows
// the same figures in a table beside it.
func GoalChart(id, title string, points []GoalPoint, target int) template.HTML {
	const w, h, left, right, top, bottom = 760, 320, 56, 16, 40, 44
	if len(points) == 0 {
		return ""
	}
	id = template.HTMLEscapeString(id)
	ymax := float64(target)
	for _, p := range points {
		ymax = math.Max(ymax, float64(p.Cumulative))
	}
	ymax = niceCeil(ymax)
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	step := pw / float64(len(points))
	x := func(i int) float64 { return float64(left) + step*(float64(i)+0.5) }
	y := func(v float64) float64 { return float64(top) + ph - ph*v/ymax }

	var b strings.Builder
	last := -1
	for i, p := range points {
		if !p.Future {
			last = i
		}
	}
	desc := fmt.Sprintf("Doel %s mensen aan het werk in %s.", Number(target), points[len(points)-1].Quarter)
	if last >= 0 {
		desc += fmt.Sprintf(" Tot en met %s: %s aan het werk, volgens de doellijn %s.", points[last].Quarter,
			Number(points[last].Cumulative), Number(points[last].Target))
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-titel %s-uitleg">`, w, h, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-titel">%s</title><desc id="%s-uitleg">%s</desc>`, id, template.HTMLEscapeString(title), id, template.HTMLEscapeString(desc))
	// grid and y labels
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#c9d1da"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="12" fill="#4a5562">%s</text>`, left-6, y(v)+4, Number(int64(v)))
	}
	// bars: people in work (cumulative)
	for i, p := range points {
		if p.Future {
			continue
		}
		bh := y(0) - y(float64(p.Cumulative))
		if p.Cumulative > 0 {
			bh = math.Max(bh, minVisible)
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b4f8a"/>`, x(i)-step*0.3, y(0)-bh, step*0.6, math.Max(bh, 0))
	}
	// an inset at the scale of the people in work, when the target dwarfs them (4 of 1,000)
	if last >= 0 {
		inset(&b, points[:last+1], ymax, float64(left+14), float64(top+6))
	}
	// target line
	var tl []string
	for i, p := range points {
		tl = append(tl, fmt.Sprintf("%.1f,%.1f", x(i), y(float64(p.Target))))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#a0261b" stroke-width="2.5" stroke-dasharray="8 5"/>`, strings.Join(tl, " "))
	// pace needed from now to the deadline
	if last >= 0 && last < len(points)-1 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#7a4a00" stroke-width="2.5" stroke-dasharray="2 4"/>`,
			x(last), y(float64(points[last].Cumulative)), x(len(points)-1), y(float64(target)))
	}
	// x labels: every quarter when few, else the first quarter of each year
	for i, p := range points {
		if len(points) > 12 && !strings.HasSuffix(p.Quarter, "Q1") {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="12" fill="#4a5562">%s</text>`, x(i), h-bottom+18, template.HTMLEscapeString(p.Quarter))
	}
	// legend
	fmt.Fprintf(&b, `<g font-size="13" fill="#1b1f24"><rect x="%d" y="12" width="14" height="14" fill="#0b4f8a"/><text x="%d" y="24">aan het werk (totaal)</text>`, left, left+20)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="19" y2="19" stroke="#a0261b" stroke-width="2.5" stroke-dasharray="8 5"/><text x="%d" y="24">doellijn</text>`, left+190, left+222, left+228)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="19" y2="19" stroke="#7a4a00" stroke-width="2.5" stroke-dasharray="2 4"/><text x="%d" y="24">benodigd tempo tot de einddatum</text></g>`, left+310, left+342, left+348)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built here from numbers and escaped text
}

// niceCeil rounds up to 1, 2, 2.5 or 5 times a power of ten, so the axis reads well.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// inset draws the realised quarters again at their own scale when the largest is under a
// tenth of the chart's: the bars are then readable, with their figures written on them.
func inset(b *strings.Builder, realised []GoalPoint, ymax, x0, y0 float64) {
	most := 0
	for _, p := range realised {
		most = max(most, p.Cumulative)
	}
	if most == 0 || float64(most)*10 > ymax {
		return
	}
	const w, h, pad, head = 250.0, 104.0, 8.0, 20.0
	scale := niceCeil(float64(most))
	fmt.Fprintf(b, `<g><rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" fill="#ffffff" stroke="#4a5562"/>`, x0, y0, w, h)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" fill="#1b1f24">Ingezoomd: aan het werk, schaal tot %s</text>`, x0+pad, y0+16, Number(int64(scale)))
	n := len(realised)
	step := (w - 2*pad) / float64(n)
	ph := h - head - 2*pad - 14
	for i, p := range realised {
		bh := ph * float64(p.Cumulative) / scale
		if p.Cumulative > 0 {
			bh = math.Max(bh, minVisible)
		}
		bx := x0 + pad + step*float64(i) + step*0.15
		by := y0 + head + pad + ph - bh
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b4f8a"/>`, bx, by, step*0.7, bh)
		if n <= 12 {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="#1b1f24">%s</text>`, bx+step*0.35, by-3, Number(p.Cumulative))
		}
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="#4a5562">%s – %s</text></g>`, x0+pad, y0+h-6,
		template.HTMLEscapeString(realised[0].Quarter), template.HTMLEscapeString(realised[n-1].Quarter))
}
