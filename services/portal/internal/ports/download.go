package ports

import (
	"io"
	"mime"
	"net/http"

	"github.com/werkregio/platform/services/portal/internal/app"
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
