package domain

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/requestkey"
)

// Bank message ids are unique per debtor for ever, whatever the region's name: 10,000 runs
// of the longest region code the configuration accepts (41 characters) and of
// stedendriehoek-en-noordwest-veluwe (whose runs all got one MsgId when the id kept the
// last 35 characters of "<run>-<region>") each get their own, of at most 35 characters of
// the SEPA set; two regions never share one.
func TestBankMessageIdsAreUniqueForEveryRegion(t *testing.T) {
	longest := "a" + strings.Repeat("b-", 20) // ^[a-z][a-z0-9-]{1,40}$ at its longest
	if len(longest) != 41 {
		t.Fatalf("%d characters", len(longest))
	}
	valid := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,33}[A-Za-z0-9]$`)
	seen := map[string]string{}
	day := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, region := range []string{longest, "stedendriehoek-en-noordwest-veluwe", "groningen"} {
		for i := range 10_000 {
			ctx := context.Background()
			if i%2 == 1 { // runs asked for with an Idempotency-Key get ids derived from it
				ctx = requestkey.With(ctx, region+"|finance|"+string(rune('a'+i%26))+strings.Repeat("x", i%7)+time.Duration(i).String())
			}
			id := MessageID(region, requestkey.NewIDOf(ctx, "run-", 6), day.Add(time.Duration(i)*time.Hour))
			if !valid.MatchString(id) {
				t.Fatalf("%q (%d characters) is not an identifier of at most 35 SEPA characters", id, len(id))
			}
			if other, ok := seen[id]; ok {
				t.Fatalf("%s: message id %s was given before, in %s", region, id, other)
			}
			seen[id] = region
		}
	}
}
