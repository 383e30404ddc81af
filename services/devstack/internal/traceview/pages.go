package traceview

import (
	"embed"
	"fmt"
	"hash/fnv"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"
)

//go:embed pages/*.html
var pageFiles embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"ms":    func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) },
	"clock": func(t time.Time) string { return t.Local().Format("15:04:05.000") },
	"color": serviceColor,
}).ParseFS(pageFiles, "pages/*.html"))

type searchView struct {
	Services []string
	Query    Query
	Traces   []traceRow
}

type traceRow struct {
	ID, Root   string
	Start      time.Time
	Duration   time.Duration
	Spans      int
	Errors     int
	Services   []string
	RootServer string
}

func (s *Store) searchPage(w http.ResponseWriter, r *http.Request) {
	q := queryOf(r)
	v := searchView{Services: s.Services(), Query: q}
	for _, t := range s.Find(q) {
		row := traceRow{ID: t.ID, Start: t.Start, Duration: t.End.Sub(t.Start), Spans: len(t.Spans), Errors: t.Errors(), Services: t.Services()}
		if root := t.Root(); root != nil {
			row.Root, row.RootServer = root.Name, root.Service
		}
		v.Traces = append(v.Traces, row)
	}
	render(w, "search.html", v)
}

type traceView struct {
	Trace    *Trace
	Duration time.Duration
	Services []string
	Rows     []spanRow
}

type spanRow struct {
	*Span
	Depth       int
	Left, Width float64 // percent of the trace's duration
	Offset      time.Duration
}

func (s *Store) tracePage(w http.ResponseWriter, r *http.Request) {
	t := s.Trace(strings.ToLower(r.PathValue("id")))
	if t == nil {
		w.WriteHeader(http.StatusNotFound)
		render(w, "missing.html", r.PathValue("id"))
		return
	}
	total := t.End.Sub(t.Start)
	v := traceView{Trace: t, Duration: total, Services: t.Services()}
	for _, row := range waterfall(t) {
		if total > 0 {
			row.Left = 100 * float64(row.Start.Sub(t.Start)) / float64(total)
			row.Width = max(100*float64(row.Duration)/float64(total), 0.3)
		}
		row.Offset = row.Start.Sub(t.Start)
		v.Rows = append(v.Rows, row)
	}
	render(w, "trace.html", v)
}

// waterfall orders the spans parent before children, siblings by start, with their depth.
func waterfall(t *Trace) []spanRow {
	ids := map[string]bool{}
	children := map[string][]*Span{}
	for _, sp := range t.Spans {
		ids[sp.SpanID] = true
	}
	var roots []*Span
	for _, sp := range t.sorted() {
		if sp.ParentID == "" || !ids[sp.ParentID] {
			roots = append(roots, sp)
		} else {
			children[sp.ParentID] = append(children[sp.ParentID], sp)
		}
	}
	var out []spanRow
	var walk func(sp *Span, depth int)
	walk = func(sp *Span, depth int) {
		out = append(out, spanRow{Span: sp, Depth: depth})
		kids := children[sp.SpanID]
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].Start.Before(kids[j].Start) })
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}

func render(w http.ResponseWriter, name string, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// serviceColor gives each service a color of its own, the same on every page.
func serviceColor(service string) string {
	palette := []string{"#1f6fb2", "#b2541f", "#2e8540", "#7a3fa0", "#a0293f", "#00798c", "#8a6d00", "#4d5b6a"}
	h := fnv.New32a()
	_, _ = h.Write([]byte(service))
	return palette[h.Sum32()%uint32(len(palette))]
}
