package ports

import (
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// download passes a service's file (a CSV, a payment file) to the browser as it is, saved
// under name.
func (r *req) download(f *app.File, err error, name string) {
	if err != nil {
		r.fail(err)
		return
	}
	defer f.Body.Close()
	h := r.c.Writer.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	r.c.Status(http.StatusOK)
	_, _ = io.Copy(r.c.Writer, f.Body)
}

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sheet starts a download of rows named name (.csv): as a CSV Dutch Excel opens in columns,
// or as an Excel workbook when the link asks for it (?formaat=xlsx).
func (r *req) sheet(name string, header ...string) (web.Sheet, error) {
	h := r.c.Writer.Header()
	if r.c.Query("formaat") == "xlsx" {
		name = strings.TrimSuffix(name, ".csv") + ".xlsx"
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		return web.NewWorkbook(r.c.Writer, strings.TrimSuffix(name, ".xlsx"), header...)
	}
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return web.NewSpreadsheet(r.c.Writer, header...), nil
}

// downloadInDutch passes a service's CSV on as a Dutch sheet (CSV or workbook): headers in
// Dutch, decimal commas, codes in words.
func (r *req) downloadInDutch(f *app.File, err error, name string, headers map[string]string) {
	if err != nil {
		r.fail(err)
		return
	}
	defer f.Body.Close()
	r.c.Status(http.StatusOK)
	if err := web.Translate(f.Body, headers, web.Labels(), func(header ...string) (web.Sheet, error) { return r.sheet(name, header...) }); err != nil {
		r.s.Log.ErrorContext(r.ctx(), "a download broke off", "file", name, "error", err.Error())
	}
}

// downloads are a list's links to its rows as CSV and as an Excel workbook.
func downloads(label, href string) []web.Link {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	return []web.Link{{Label: label + " (CSV)", Href: href, Download: true}, {Label: label + " (Excel)", Href: href + sep + "formaat=xlsx", Download: true}}
}
