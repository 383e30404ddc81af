package httpserver

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/werkregio/platform/services/kit/optimistic"
)

type doc struct {
	optimistic.StoreVersion
	Name string `json:"name"`
}

// The version a change must match is handed to the store through the context; here a
// handler plays the store, at version 3.
func conditionalEngine(t *testing.T) *gin.Engine {
	r, _ := engine(t)
	g := r.Group("/api", Conditional())
	current := func(c *gin.Context) (*doc, error) {
		d := &doc{Name: "x"}
		d.SetStoreVersion(3)
		if want, ok := optimistic.IfMatch(c); ok && want.Version != 3 {
			return nil, optimistic.ErrPreconditionFailed
		}
		return d, nil
	}
	g.GET("/doc", func(c *gin.Context) { v, err := current(c); Respond(c, http.StatusOK, v, err) })
	g.PUT("/doc", func(c *gin.Context) { v, err := current(c); Respond(c, http.StatusOK, v, err) })
	g.POST("/doc/touch", func(c *gin.Context) { v, err := current(c); Respond(c, http.StatusOK, v, err) })
	return r
}

func TestChangesNameTheVersionTheyWereMadeOn(t *testing.T) {
	r := conditionalEngine(t)
	w, _ := do(r, "GET", "/api/doc", "")
	if w.Code != 200 || w.Header().Get("ETag") != `"3"` {
		t.Fatalf("GET: %d, ETag %q", w.Code, w.Header().Get("ETag"))
	}
	if w, _ := do(r, "GET", "/api/doc", "", "If-None-Match", `"3"`); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("GET with the current ETag: %d", w.Code)
	}
	cases := []struct {
		what, method, ifMatch string
		status                int
		kind                  string
	}{
		{"PUT without If-Match", "PUT", "", 428, "precondition-required"},
		{"PUT on an older version", "PUT", `"2"`, 412, "precondition-failed"},
		{"PUT on any version", "PUT", `*`, 412, "precondition-failed"},
		{"PUT with a weak tag", "PUT", `W/"3"`, 412, "precondition-failed"},
		{"PUT on the current version", "PUT", `"3"`, 200, ""},
		{"POST without If-Match", "POST", "", 200, ""},
		{"POST on an older version", "POST", `"1"`, 412, "precondition-failed"},
	}
	for _, c := range cases {
		path := "/api/doc"
		if c.method == "POST" {
			path = "/api/doc/touch"
		}
		var header []string
		if c.ifMatch != "" {
			header = []string{"If-Match", c.ifMatch}
		}
		w, p := do(r, c.method, path, `{"name":"y"}`, header...)
		if w.Code != c.status || (c.kind != "" && p.Type != "https://werkregio.nl/problems/"+c.kind) {
			t.Errorf("%s: %d %s", c.what, w.Code, p.Type)
		}
	}
}
