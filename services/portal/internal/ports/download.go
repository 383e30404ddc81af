package ports

import (
	"io"
	"mime"
	"net/http"

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

// spreadsheet starts a CSV download Dutch Excel opens in columns (web.Spreadsheet).
func (r *req) spreadsheet(name string, header ...string) *web.Spreadsheet {
	h := r.c.Writer.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	r.c.Status(http.StatusOK)
	return web.NewSpreadsheet(r.c.Writer, header...)
}

// downloadInDutch passes a service's CSV on as a Dutch spreadsheet: headers in Dutch,
// decimal commas, codes in words.
func (r *req) downloadInDutch(f *app.File, err error, name string, headers map[string]string) {
	if err != nil {
		r.fail(err)
		return
	}
	defer f.Body.Close()
	h := r.c.Writer.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	r.c.Status(http.StatusOK)
	if err := web.Translate(r.c.Writer, f.Body, headers, web.Labels()); err != nil {
		r.s.Log.ErrorContext(r.ctx(), "a download broke off", "file", name, "error", err.Error())
	}
}
