package mongosqlite

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// batchBytes caps one reply batch well below MongoDB's 48 MB message limit.
const batchBytes = 8 << 20

// cursor is an open result set that getMore continues.
type cursor struct {
	ns       string
	iter     docIter
	shape    func(bsoncore.Document) (bsoncore.Document, error)
	stream   *changeStream // set for a change stream, which never ends
	mu       sync.Mutex
	lastUsed atomic.Int64 // unix nanoseconds
}

// batch takes up to n documents (n <= 0: as many as fit in batchBytes); done says the
// cursor is exhausted.
func (c *cursor) batch(n int) ([]bsoncore.Document, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastUsed.Store(time.Now().UnixNano())
	var out []bsoncore.Document
	size := 0
	for n <= 0 || len(out) < n {
		d, err := c.iter.Next()
		if err != nil {
			c.iter.Close()
			return nil, true, err
		}
		if d == nil {
			c.iter.Close()
			return out, true, nil
		}
		if c.shape != nil {
			if d, err = c.shape(d); err != nil {
				c.iter.Close()
				return nil, true, err
			}
		}
		out = append(out, d)
		size += len(d)
		if size >= batchBytes {
			break
		}
	}
	return out, false, nil
}

type cursorTable struct {
	mu sync.Mutex
	m  map[int64]*cursor
}

func newCursorTable() *cursorTable { return &cursorTable{m: map[int64]*cursor{}} }

func (t *cursorTable) add(c *cursor) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		id := rand.Int64N(1<<62) + 1
		if _, taken := t.m[id]; !taken {
			c.lastUsed.Store(time.Now().UnixNano())
			t.m[id] = c
			return id
		}
	}
}

func (t *cursorTable) get(id int64) *cursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[id]
}

func (t *cursorTable) remove(id int64) bool {
	t.mu.Lock()
	c, ok := t.m[id]
	delete(t.m, id)
	t.mu.Unlock()
	if ok {
		c.mu.Lock()
		c.iter.Close()
		c.mu.Unlock()
	}
	return ok
}

// expire closes cursors idle longer than ttl (MongoDB's default is ten minutes).
func (t *cursorTable) expire(stop <-chan struct{}, ttl time.Duration) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		var old []int64
		t.mu.Lock()
		for id, c := range t.m {
			if time.Since(time.Unix(0, c.lastUsed.Load())) > ttl {
				old = append(old, id)
			}
		}
		t.mu.Unlock()
		for _, id := range old {
			t.remove(id)
		}
	}
}

func (t *cursorTable) closeAll() {
	t.mu.Lock()
	ids := make([]int64, 0, len(t.m))
	for id := range t.m {
		ids = append(ids, id)
	}
	t.mu.Unlock()
	for _, id := range ids {
		t.remove(id)
	}
}
