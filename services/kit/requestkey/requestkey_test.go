package requestkey_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/requestkey"
	"github.com/werkregio/platform/services/kit/rules"
)

// A request with an idempotency key makes the same id every time it runs (so a retry after
// a crash finds its aggregate); without one, every id is new.
func TestNewIDFollowsTheRequestKey(t *testing.T) {
	keyed := requestkey.With(context.Background(), "caller-key-1")
	if a, b := requestkey.NewID(keyed, "dcl"), requestkey.NewID(keyed, "dcl"); a != b || !strings.HasPrefix(a, "dcl-") || len(a) != 24 {
		t.Errorf("keyed ids %s and %s, want one id dcl-<20 hex>", a, b)
	}
	if requestkey.NewID(keyed, "dcl") == requestkey.NewID(requestkey.With(context.Background(), "caller-key-2"), "dcl") {
		t.Error("two keys made the same id")
	}
	unkeyed := context.Background()
	if first := requestkey.NewID(unkeyed, "dcl"); first == requestkey.NewID(unkeyed, "dcl") {
		t.Error("two requests without a key made the same id")
	}
	conflict := fmt.Errorf("save: %w", rules.ErrConflict)
	if !requestkey.Made(keyed, conflict) || requestkey.Made(context.Background(), conflict) || requestkey.Made(keyed, fmt.Errorf("other")) {
		t.Error("Made: only a conflict of a keyed request means it was made before")
	}
}

// MadeBefore loads only for a keyed request's conflict, and answers with what it loaded.
func TestMadeBeforeLoadsOnlyWhenTheRequestMadeIt(t *testing.T) {
	keyed := requestkey.With(context.Background(), "caller-key-1")
	conflict := fmt.Errorf("save: %w", rules.ErrConflict)
	loads := 0
	load := func() (string, error) { loads++; return "dcl-1", nil }
	if made, ok := requestkey.MadeBefore(keyed, conflict, load); !ok || made != "dcl-1" {
		t.Errorf("keyed conflict: %q %v", made, ok)
	}
	if _, ok := requestkey.MadeBefore(context.Background(), conflict, load); ok || loads != 1 {
		t.Errorf("an unkeyed conflict was answered (or loaded: %d loads)", loads)
	}
	if _, ok := requestkey.MadeBefore(keyed, conflict, func() (string, error) { return "", rules.ErrNotFound }); ok {
		t.Error("a failed load answered")
	}
}
