package ports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// The region's administrator keeps its value tables (the bouwblokken that value a
// declaration): each version is published as the government publishes it, with its worked
// examples, and the service takes it only when it values each example as published. A
// version is downloaded as JSON to start the next one from.

const (
	tablesPath = "/beheer/waardetabellen"
	// maxTable is the largest table file: a table with its examples is a few kilobytes.
	maxTable = 1 << 20
)

func tableFileForm() *web.Form {
	return &web.Form{Action: tablesPath, Submit: "Waardetabel publiceren", Key: session.RandomToken(), Upload: true, Fields: []web.Field{
		{Name: "file", Label: "Waardetabel (JSON)", Type: "file", Required: true, Accept: ".json,application/json",
			Hint: "Begin bij de JSON van de versie die nu geldt (de link bij de tabel): geef haar een nieuw id en een hoger versienummer, en pas bedragen, bron, datum en rekenvoorbeelden aan zoals de publicatie ze geeft."}}}
}

func tableJSONPath(t sroiapi.Table) string {
	return tablesPath + "/" + url.PathEscape(t.ID) + "/" + strconv.Itoa(t.Version) + ".json"
}

func (s *Server) tables(c *gin.Context) {
	r := s.req(c)
	tables, err := s.App.Tables(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	s.showTables(r, tables, tableFileForm(), nil, http.StatusOK)
}

func (s *Server) showTables(r *req, tables []sroiapi.Table, f *web.Form, problem *web.Problem, status int) {
	p := r.page("Waardetabellen", "De bouwblokken waarmee de regio een verklaring waardeert. Een aanbesteding wordt gewaardeerd met de tabel die gold op de dag van publicatie; een gepubliceerde tabel verandert nooit.")
	p.Problem = problem
	for _, t := range tables {
		facts := []web.Fact{{Term: "Versie", Value: strconv.Itoa(t.Version)}, {Term: "Bron", Value: t.Source},
			{Term: "Voltijd", Value: strconv.Itoa(t.FullTimeHours) + " uur per week"}, {Term: "Rekenvoorbeelden", Value: web.Number(len(t.Examples))}}
		if t.EffectiveFrom != nil {
			facts = append(facts[:1], append([]web.Fact{{Term: "Geldt vanaf", Value: web.Date(*t.EffectiveFrom)}}, facts[1:]...)...)
		}
		if t.MaxMonths != nil && *t.MaxMonths > 0 {
			facts = append(facts, web.Fact{Term: "Hoogstens", Value: strconv.Itoa(*t.MaxMonths) + " maanden per kandidaat"})
		}
		if t.HourlyCents != nil && *t.HourlyCents > 0 {
			facts = append(facts, web.Fact{Term: "Per uur (bijvoorbeeld gastlessen)", Value: web.Euro(*t.HourlyCents)})
		}
		values := &web.Table{Caption: "Waarde per doelgroep: " + t.Name, Columns: []web.Column{{Label: "Doelgroep"}, {Label: "Per jaar voltijd", Numeric: true}}}
		for _, k := range slices.Sorted(maps.Keys(t.YearlyCents)) {
			name := candidateTypes[k]
			if name == "" {
				name = k
			}
			values.Rows = append(values.Rows, web.Row{Cells: []web.Cell{{Text: name}, {Text: web.Euro(t.YearlyCents[k])}}})
		}
		for _, k := range slices.Sorted(maps.Keys(t.BonusCents)) {
			values.Rows = append(values.Rows, web.Row{Cells: []web.Cell{{Text: "Toeslag: " + bonusName(k)}, {Text: web.Euro(t.BonusCents[k])}}})
		}
		for _, k := range slices.Sorted(maps.Keys(t.PurchaseBasisPoints)) {
			values.Rows = append(values.Rows, web.Row{Cells: []web.Cell{{Text: "Inkoop bij " + k}, {Text: web.Percent(int64(t.PurchaseBasisPoints[k])) + " van de factuur"}}})
		}
		p.Blocks = append(p.Blocks, web.Block{Heading: t.Name, ID: "tabel-" + web.Slug(t.ID+"-"+strconv.Itoa(t.Version)), Facts: facts, Table: values,
			Links: []web.Link{{Label: "Versie " + strconv.Itoa(t.Version) + " als JSON", Href: tableJSONPath(t)}}})
	}
	if len(tables) == 0 {
		p.Blocks = append(p.Blocks, web.Block{Text: "De regio heeft nog geen waardetabel: een verklaring kan pas worden gewaardeerd als er een is."})
	}
	p.Blocks = append(p.Blocks, web.Block{Heading: "Nieuwe versie publiceren", ID: "publiceren", Form: f})
	r.s.Render.Render(r.c.Writer, status, p)
}

func bonusName(k string) string {
	if n, ok := bonusNames[k]; ok {
		return n
	}
	return k
}

// tableJSON downloads a version as the input that publishes it, to start the next one from.
func (s *Server) tableJSON(c *gin.Context) {
	r := s.req(c)
	tables, err := s.App.Tables(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	version := strings.TrimSuffix(c.Param("file"), ".json")
	for _, t := range tables {
		if t.ID != c.Param("tableId") || strconv.Itoa(t.Version) != version || t.EffectiveFrom == nil {
			continue
		}
		in := sroiapi.TableInput{ID: t.ID, Name: t.Name, Version: t.Version, EffectiveFrom: *t.EffectiveFrom, Source: t.Source, FullTimeHours: t.FullTimeHours,
			YearlyCents: t.YearlyCents, BonusCents: t.BonusCents, MaxMonths: t.MaxMonths, MaxMonthsByType: t.MaxMonthsByType,
			PurchaseBasisPoints: t.PurchaseBasisPoints, HourlyCents: t.HourlyCents, Examples: t.Examples}
		raw, _ := json.MarshalIndent(in, "", "  ")
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": t.ID + "-" + version + ".json"}))
		c.Data(http.StatusOK, "application/json; charset=utf-8", append(raw, '\n'))
		return
	}
	r.fail(&app.Error{Status: http.StatusNotFound})
}

func (s *Server) publishTable(c *gin.Context) {
	r := s.req(c)
	tables, err := s.App.Tables(r.ctx(), r.user())
	if err != nil {
		r.fail(err)
		return
	}
	in := r.input()
	var body sroiapi.TableInput
	file, _, err := c.Request.FormFile("file")
	var raw []byte
	if err == nil {
		raw, err = io.ReadAll(file)
		_ = file.Close()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		in.Errs["file"] = fmt.Sprintf("Het bestand is groter dan %d MB.", maxTable>>20)
	case err != nil || len(raw) == 0:
		in.Errs["file"] = "Kies het bestand met de waardetabel."
	default:
		if problem := readTable(raw, &body); problem != "" {
			in.Errs["file"] = problem
		}
	}
	submit(r, in, tableFileForm(), func(f *web.Form, p *web.Problem, status int) { s.showTables(r, tables, f, p, status) },
		func(key string) (sroiapi.Table, error) { return s.App.PublishTable(r.ctx(), r.user(), key, body) },
		func(t sroiapi.Table) {
			r.done(fmt.Sprintf("%s versie %d gepubliceerd: alle %d rekenvoorbeelden kloppen.", t.Name, t.Version, len(t.Examples)), tablesPath)
		})
}

// readTable reads a table's JSON; what is wrong with it is said in Dutch, with where.
func readTable(raw []byte, into *sroiapi.TableInput) string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	err := d.Decode(into)
	var syntax *json.SyntaxError
	var typed *json.UnmarshalTypeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &syntax):
		line := bytes.Count(raw[:min(int(syntax.Offset), len(raw))], []byte("\n")) + 1
		return fmt.Sprintf("Het bestand is geen geldige JSON (regel %d).", line)
	case errors.As(err, &typed):
		return fmt.Sprintf("Het veld %s heeft niet de goede soort waarde.", typed.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "Het bestand bevat een veld dat een waardetabel niet kent: " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
	default:
		return "Het bestand is geen waardetabel in JSON."
	}
}
