package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"unicode"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

// Static serves the portal's stylesheet and icon (from the binary: no asset pipeline).
func Static() http.FileSystem {
	sub, _ := fs.Sub(static, "static")
	return http.FS(sub)
}

// Renderer renders pages with the layout.
type Renderer struct{ t *template.Template }

// NewRenderer parses the templates.
func NewRenderer() *Renderer {
	t := template.Must(template.New("").Funcs(template.FuncMap{
		"title": Title,
		// checked: a checkbox's value is among the field's (a comma-separated list)
		"checked": func(values, v string) bool { return slices.Contains(strings.Split(values, ","), v) },
		"blockID": func(b Block) string {
			if b.ID != "" {
				return b.ID
			}
			return Slug(b.Heading)
		},
	}).ParseFS(templates, "templates/*.html"))
	return &Renderer{t: t}
}

// Render writes the page with status; every form on it gets the session's CSRF token.
func (r *Renderer) Render(w http.ResponseWriter, status int, p *Page) {
	for i := range p.Blocks {
		b := &p.Blocks[i]
		setCSRF(b.Form, p.Chrome.CSRF)
		if b.Table != nil {
			setCSRF(b.Table.Filters, p.Chrome.CSRF)
			for _, row := range b.Table.Rows {
				for _, c := range row.Cells {
					setCSRF(c.Form, p.Chrome.CSRF)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := r.t.ExecuteTemplate(&buf, "layout", p); err != nil {
		http.Error(w, "De pagina kon niet worden opgebouwd.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func setCSRF(f *Form, token string) {
	if f != nil {
		f.CSRF = token
	}
}

// Title capitalises the first letter (a region code as a name: groningen → Groningen).
func Title(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// Slug makes an HTML id of a heading.
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
