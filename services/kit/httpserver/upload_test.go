package httpserver

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/auth"
)

// memoryKeys is an idempotency store in memory.
type memoryKeys struct {
	mu   sync.Mutex
	keys map[string]IdempotencyClaim
}

func (m *memoryKeys) Claim(_ context.Context, id, fingerprint string, _ time.Time) (IdempotencyClaim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.keys[id]; ok {
		return c, nil
	}
	m.keys[id] = IdempotencyClaim{Fingerprint: fingerprint}
	return IdempotencyClaim{Claimed: true, Fingerprint: fingerprint}, nil
}

func (m *memoryKeys) Finish(_ context.Context, id string, r StoredResponse) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.keys[id]
	c.Response = &r
	m.keys[id] = c
	return nil
}

func (m *memoryKeys) Release(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, id)
	return nil
}

// A 10 MB document sent with an Idempotency-Key is held in memory once: the key's check
// and the handler read the same bytes (they were read, grown by doubling, twice: about
// four times the document for each upload in flight).
func TestAnUploadWithAnIdempotencyKeyIsHeldInMemoryOnce(t *testing.T) {
	const size = 10 << 20
	r := NewEngine(Options{ServiceName: "t", Logger: slog.New(slog.DiscardHandler), Upload: func(r *http.Request) (int64, bool) {
		return size, strings.HasPrefix(r.URL.Path, "/upload")
	}})
	var got int
	r.POST("/upload", func(c *gin.Context) {
		c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), auth.Principal{Subject: "u", Region: "groningen"}))
		c.Next()
	}, Idempotent(&memoryKeys{keys: map[string]IdempotencyClaim{}}), func(c *gin.Context) {
		b, err := ReadBody(c)
		if err != nil {
			Fail(c, err)
			return
		}
		got = len(b)
		c.JSON(200, gin.H{"read": len(b)})
	})
	doc := bytes.Repeat([]byte("%PDF"), size/4)
	send := func(key string) (int, uint64) {
		req := httptest.NewRequest("POST", "/upload", bytes.NewReader(doc))
		req.Header.Set("Content-Type", "application/pdf")
		req.Header.Set(IdempotencyKeyHeader, key)
		w := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r.ServeHTTP(w, req)
		runtime.ReadMemStats(&after)
		return w.Code, after.TotalAlloc - before.TotalAlloc
	}
	code, allocated := send("first")
	if code != 200 || got != size {
		t.Fatalf("upload: %d, the handler read %d bytes", code, got)
	}
	t.Logf("allocated %.1f MB", float64(allocated)/(1<<20))
	if allocated > size*3/2 {
		t.Errorf("one upload of %d MB allocated %.1f MB: the document is held more than once", size>>20, float64(allocated)/(1<<20))
	}
}
