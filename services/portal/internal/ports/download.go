package ports

import (
	"io"
	"mime"
	"net/http"

	"github.com/werkregio/platform/services/portal/internal/adapters"
)

// download passes a service's file (a CSV, a payment file) to the browser as it is, saved
// under name.
func (r *req) download(call adapters.Call, name string) {
	resp, err := r.s.API.Open(r.ctx(), call)
	if err != nil {
		r.fail(err)
		return
	}
	defer resp.Body.Close()
	h := r.c.Writer.Header()
	h.Set("Content-Type", resp.Header.Get("Content-Type"))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	r.c.Status(http.StatusOK)
	_, _ = io.Copy(r.c.Writer, resp.Body)
}
