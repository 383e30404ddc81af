package trajectory

import (
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

func TestTermsAtPicksTheVersionInForceOnTheDay(t *testing.T) {
	versions := []Terms{
		{Version: 2, EffectiveFrom: civil.NewDate(2026, 4, 1)},
		{Version: 1, EffectiveFrom: civil.NewDate(2026, 1, 1)},
		{Version: 3, EffectiveFrom: civil.NewDate(2026, 9, 1)},
	}
	for day, want := range map[civil.Date]int{
		civil.NewDate(2026, 1, 1):   1,
		civil.NewDate(2026, 3, 31):  1,
		civil.NewDate(2026, 4, 1):   2,
		civil.NewDate(2026, 8, 31):  2,
		civil.NewDate(2027, 1, 1):   3,
		civil.NewDate(2025, 12, 31): 0,
	} {
		got, ok := TermsAt(versions, day)
		if want == 0 {
			if ok {
				t.Errorf("%s: version %d before any took effect", day, got.Version)
			}
			continue
		}
		if !ok || got.Version != want {
			t.Errorf("%s: version %d, want %d", day, got.Version, want)
		}
	}
}
