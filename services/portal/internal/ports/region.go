package ports

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// projectStatuses in the order a region steers by: what needs attention first.
var projectStatuses = []string{"overdue", "behind", "no_policy", "on_track", "met"}

// regionOverview is the region's monitor: each jobs goal as a chart against its target
// line, and social return by status. Both come from the sroi service's indicators, which
// read a fixed number of summary documents whatever the region's age.
func (s *Server) regionOverview(c *gin.Context) {
	r := s.req(c)
	ind, err := s.App.Indicators(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	p := r.page("Overzicht van de regio", "Het banendoel van de regio tegen de doellijn, en de social-return-verplichtingen van alle gegunde opdrachten naar stand.")
	year := strings.TrimSpace(c.Query("jaar"))
	for _, g := range ind.Goals {
		p.Blocks = append(p.Blocks, goalBlocks(g, year, time.Now())...)
	}
	if len(ind.Goals) == 0 {
		p.Blocks = append(p.Blocks, web.Block{Heading: "Banendoel", Text: "De regio heeft nog geen banendoel vastgelegd."})
	}
	t := ind.Totals
	p.Blocks = append(p.Blocks, web.Block{Heading: "Social return", ID: "social-return", Stats: []web.Stat{
		{Label: "Projecten", Value: web.Number(t.Projects)},
		{Label: "Verplichting", Value: web.Euro(t.ObligationCents)},
		{Label: "Goedgekeurd", Value: web.Euro(t.ApprovedCents), Note: web.Percent(t.RealisedBasisPoints) + " van de verplichting"},
		{Label: "Verwacht", Value: web.Euro(t.ForecastCents), Note: "goedgekeurd en nog te beoordelen"},
	}})
	status := &web.Table{Caption: "Social-return-projecten naar stand", Columns: []web.Column{{Label: "Stand"}, {Label: "Projecten", Numeric: true}, {Label: "Aandeel", Numeric: true}},
		Downloads: append(downloads("Totalen", "/regio/totalen/csv"), downloads("Alle projecten", "/sroi/projecten/csv")...)}
	for _, st := range projectStatuses {
		n := t.ByStatus[st]
		row := web.Row{Cells: []web.Cell{{Text: web.Label(st), Href: "/sroi/projecten?status=" + st}, {Text: web.Number(n)}, {Text: web.Ratio(n, t.Projects)}}}
		if n > 0 && (st == "behind" || st == "overdue") {
			row.Tone = map[string]string{"behind": "warn", "overdue": "bad"}[st]
		}
		status.Rows = append(status.Rows, row)
	}
	p.Blocks = append(p.Blocks, web.Block{Table: status})
	r.show(p)
}

// goalBlocks are a goal's key figures, its chart, and the same figures as a table
// (filterable by year), with the CSV.
func goalBlocks(g sroiapi.GoalProgress, year string, now time.Time) []web.Block {
	current := fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1)
	var points []web.GoalPoint
	table := &web.Table{Caption: "Aan het werk per kwartaal: " + g.Goal.Name,
		Columns:   []web.Column{{Label: "Kwartaal"}, {Label: "Nieuw aan het werk", Numeric: true}, {Label: "Totaal aan het werk", Numeric: true}, {Label: "Doellijn", Numeric: true}},
		Downloads: downloads("Banendoel per kwartaal", "/regio/doelen/"+url.PathEscape(g.Goal.ID)+"/csv")}
	years := map[string]bool{}
	for _, q := range g.Quarters {
		future := q.Quarter > current
		points = append(points, web.GoalPoint{Quarter: q.Quarter, Cumulative: q.Cumulative, Target: q.Target, Future: future})
		y, _, _ := strings.Cut(q.Quarter, "-")
		years[y] = true
		if year != "" && y != year {
			continue
		}
		row := web.Row{Cells: []web.Cell{{Text: q.Quarter}, {Text: web.Number(q.Placed)}, {Text: web.Number(q.Cumulative)}, {Text: web.Number(q.Target)}}}
		if future {
			row.Cells[1].Text, row.Cells[2].Text = "–", "–"
		}
		table.Rows = append(table.Rows, row)
	}
	opts := []web.Option{{Value: "", Label: "Alle jaren"}}
	var ys []string
	for y := range years {
		ys = append(ys, y)
	}
	sort.Strings(ys)
	for _, y := range ys {
		opts = append(opts, web.Option{Value: y, Label: y})
	}
	table.Filters = &web.Form{Action: "/regio", Get: true, Submit: "Toon", Reset: "/regio",
		Fields: []web.Field{{Name: "jaar", Label: "Jaar", Type: "select", Value: year, Options: opts}}}
	pace := web.Stat{Label: "Stand", Value: "op koers", Tone: "good"}
	if !g.OnTrack {
		pace = web.Stat{Label: "Stand", Value: "achter op de doellijn", Tone: "warn", Note: web.Number(g.Shortfall) + " te gaan tot het doel"}
	}
	return []web.Block{
		{Heading: "Banendoel: " + g.Goal.Name, ID: "doel-" + web.Slug(g.Goal.ID),
			Text: fmt.Sprintf("%s mensen duurzaam aan het werk tussen %s en %s; iedereen telt één keer.", web.Number(g.Goal.Target), web.Date(g.Goal.From), web.Date(g.Goal.Deadline)),
			Stats: []web.Stat{
				{Label: "Aan het werk", Value: web.Number(g.Placed), Note: "sinds " + web.Date(g.Goal.From)},
				{Label: "Doellijn vandaag", Value: web.Number(g.TargetToday)},
				pace,
				{Label: "Nodig per maand", Value: web.Decimal(math.Round(g.NeededPerMonth*10) / 10), Note: "om het doel op " + web.Date(g.Goal.Deadline) + " te halen"},
			},
			Chart: web.GoalChart("grafiek-"+web.Slug(g.Goal.ID), "Banendoel "+g.Goal.Name+": aan het werk tegen de doellijn", points, g.Goal.Target)},
		{Table: table},
	}
}

func (s *Server) goalCSV(c *gin.Context) {
	r := s.req(c)
	f, err := s.App.JobsGoalCSV(r.ctx(), r.user(), c.Param("goalId"))
	r.downloadInDutch(f, err, "banendoel-"+web.Slug(c.Param("goalId"))+".csv",
		map[string]string{"quarter": "Kwartaal", "placed": "Aan het werk", "cumulative": "Totaal tot dan", "target": "Doellijn"})
}

func (s *Server) totalsCSV(c *gin.Context) {
	r := s.req(c)
	f, err := s.App.TotalsCSV(r.ctx(), r.user())
	r.downloadInDutch(f, err, "social-return-totalen-"+r.sess.Region+".csv",
		map[string]string{"breakdown": "Uitsplitsing", "key": "Onderdeel", "value": "Waarde"})
}
