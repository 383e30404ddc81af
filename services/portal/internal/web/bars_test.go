package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A bar of 4 among 1,000 is still seen, and every figure is in the table beside the picture.
func TestBarsShowSmallValuesAndTheirFigures(t *testing.T) {
	out := string(Bars{ID: "t", Title: "Trechter", Desc: "uitleg", Series: []Series{{Name: "trajecten", Colour: Blue}},
		Rows: []BarRow{{Label: "Ingeschreven", Values: []float64{1000}}, {Label: "Duurzaam geplaatst", Values: []float64{4}}}}.Chart())
	widths := regexp.MustCompile(`<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)" height="20"`).FindAllStringSubmatch(out, -1)
	if len(widths) != 2 {
		t.Fatalf("want two bars, got %d in %s", len(widths), out)
	}
	if w, _ := strconv.ParseFloat(widths[1][1], 64); w < minVisible {
		t.Errorf("a bar of 4 in 1,000 is %.1f wide", w)
	}
	for _, want := range []string{`aria-labelledby="t-titel t-uitleg"`, `<title id="t-titel">Trechter</title>`, "<summary>Trechter als tabel</summary>",
		`<th scope="row">Duurzaam geplaatst</th><td class="num">4</td>`, `<td class="num">1.000</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("the chart lacks %s", want)
		}
	}
}

// A marker (the time passed) shows in the legend and as a column of the table.
func TestBarsMarkTheirRows(t *testing.T) {
	half := 5000.0
	out := string(Bars{ID: "p", Title: "Gerealiseerd", Format: Percents, Max: 10000, Marker: "verstreken tijd",
		Series: []Series{{Name: "gerealiseerd", Colour: Green}}, Rows: []BarRow{{Label: "Project <A>", Values: []float64{2500}, Marker: &half}}}.Chart())
	for _, want := range []string{`<th scope="col" class="num">verstreken tijd</th>`, `<th scope="row">Project &lt;A&gt;</th><td class="num">25%</td><td class="num">50%</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("the chart lacks %s in %s", want, out)
		}
	}
	if strings.Contains(out, "<A>") {
		t.Error("a label reached the page unescaped")
	}
}

// When the target dwarfs the people in work, an inset draws them at their own scale.
func TestGoalChartZoomsInOnSmallCounts(t *testing.T) {
	points := []GoalPoint{{Quarter: "2026-Q1", Cumulative: 1, Target: 50}, {Quarter: "2026-Q2", Cumulative: 4, Target: 100}, {Quarter: "2026-Q3", Target: 150, Future: true}}
	out := string(GoalChart("g", "Banendoel", points, 1000))
	if !strings.Contains(out, "Ingezoomd: aan het werk, schaal tot 5") {
		t.Errorf("no inset for 4 of 1,000: %s", out)
	}
	points[1].Cumulative = 400
	if strings.Contains(string(GoalChart("g", "Banendoel", points, 1000)), "Ingezoomd") {
		t.Error("an inset where the bars read well at the chart's own scale")
	}
}
