package domain

import (
	"testing"

	"github.com/werkregio/platform/services/kit/trajectory"
)

func scheme(percents ...int) []trajectory.Tranche {
	ms := []trajectory.Milestone{trajectory.MilestoneStarted, trajectory.MilestoneCompleted, trajectory.MilestoneSustainablyPlaced}
	out := make([]trajectory.Tranche, len(percents))
	for i, p := range percents {
		out[i] = trajectory.Tranche{Milestone: ms[i], Percent: p}
	}
	return out
}

// The tranches of one enrolment add up to its price exactly, for every price up to
// EUR 2,000 (to the cent) and a spread of prices up to EUR 100,000, and every scheme in
// use; all but the last are rounded down.
func TestTranchesAlwaysAddUpToThePrice(t *testing.T) {
	schemes := [][]trajectory.Tranche{scheme(40, 30, 30), scheme(40, 40, 20), scheme(50, 50), scheme(100), scheme(33, 33, 34), scheme(1, 1, 98)}
	for _, s := range schemes {
		for price := Cents(1); price <= 10_000_000; price = next(price) {
			amounts, err := Split(price, s)
			if err != nil {
				t.Fatal(err)
			}
			var sum Cents
			for i, a := range amounts {
				exact := float64(price) * float64(a.Percent) / 100
				if i < len(amounts)-1 && (float64(a.Cents) > exact || exact-float64(a.Cents) >= 1) {
					t.Fatalf("%v of %d: tranche %d is %d, want %f rounded down", s, price, i, a.Cents, exact)
				}
				if a.Cents < 0 {
					t.Fatalf("%v of %d: negative tranche", s, price)
				}
				sum += a.Cents
			}
			if sum != price {
				t.Fatalf("%v of %d cents: tranches add up to %d", s, price, sum)
			}
		}
	}
	got, _ := Split(100_000, scheme(40, 30, 30))
	if got[0].Cents != 40_000 || got[1].Cents != 30_000 || got[2].Cents != 30_000 {
		t.Errorf("EUR 1000 at 40/30/30: %+v", got)
	}
	got, _ = Split(99_999, scheme(40, 30, 30)) // 39,999.6 / 29,999.7 / 29,999.7
	if got[0].Cents != 39_999 || got[1].Cents != 29_999 || got[2].Cents != 30_001 {
		t.Errorf("EUR 999.99 at 40/30/30: %+v, want the remainder on the last tranche", got)
	}
}

func TestABrokenSchemeIsRefused(t *testing.T) {
	for _, s := range [][]trajectory.Tranche{nil, scheme(40, 30), scheme(0, 50, 50), scheme(60, 50)} {
		if _, err := Split(1000, s); err == nil {
			t.Errorf("%v accepted", s)
		}
	}
	if _, err := Split(0, scheme(100)); err == nil {
		t.Error("a price of zero accepted")
	}
}

func next(price Cents) Cents {
	if price < 200_000 {
		return price + 1
	}
	return price + 997
}
