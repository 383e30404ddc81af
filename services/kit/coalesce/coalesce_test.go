package coalesce

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrent calls are answered by fewer calls of fn, each caller with its own key's answer.
func TestConcurrentCallsShareOneCall(t *testing.T) {
	var calls atomic.Int32
	g := New(func(_ context.Context, keys []int) (map[int]int, error) {
		calls.Add(1)
		time.Sleep(5 * time.Millisecond)
		out := map[int]int{}
		for _, k := range keys {
			out[k] = k * 10
		}
		return out, nil
	})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := g.Do(context.Background(), i); err != nil || v != i*10 {
				t.Errorf("%d: %d, %v", i, v, err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n >= 50 || n < 1 {
		t.Fatalf("%d calls for 50 concurrent keys", n)
	}
	boom := New(func(context.Context, []string) (map[string]bool, error) { return nil, errors.New("down") })
	if _, err := boom.Do(context.Background(), "x"); err == nil {
		t.Fatal("an error was lost")
	}
}
