package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// PerKey keeps each key's messages in order while keys run side by side; a permanent error
// rejects its message only, any other error asks for the batch again.
func TestPerKeyKeepsEachKeysOrderAndRunsKeysTogether(t *testing.T) {
	var batch []Message
	for i := range 40 {
		batch = append(batch, Message{Event: Event{Key: fmt.Sprintf("k%d", i%4), ID: fmt.Sprint(i)}, ctx: context.Background()})
	}
	var mu sync.Mutex
	seen := map[string][]string{}
	running, most := 0, 0
	h := PerKey(4, func(_ context.Context, m Message) error {
		mu.Lock()
		running++
		most = max(most, running)
		seen[m.Key] = append(seen[m.Key], m.ID)
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		if m.ID == "7" {
			return Permanent(errors.New("bad"))
		}
		return nil
	})
	err := h(context.Background(), batch)
	var rej Rejections
	if !errors.As(err, &rej) || len(rej) != 1 || rej[7] == nil {
		t.Fatalf("rejections %v", err)
	}
	for k, ids := range seen {
		for j := 1; j < len(ids); j++ {
			var a, b int
			fmt.Sscan(ids[j-1], &a)
			fmt.Sscan(ids[j], &b)
			if a >= b {
				t.Fatalf("key %s out of order: %v", k, ids)
			}
		}
	}
	if most < 2 {
		t.Errorf("keys ran one at a time (at most %d at once)", most)
	}
	retry := PerKey(4, func(_ context.Context, m Message) error {
		if m.Key == "k1" {
			return errors.New("database down")
		}
		return nil
	})
	if err := retry(context.Background(), batch); err == nil || errors.As(err, &rej) {
		t.Fatalf("a retryable error: %v", err)
	}
}
