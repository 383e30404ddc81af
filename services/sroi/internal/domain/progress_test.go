package domain

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/civil"
)

// A project is on track, behind (with the reason and the forecast), met or overdue.
func TestAProjectsProgressAndStatus(t *testing.T) {
	start, deadline := civil.NewDate(2026, 1, 1), civil.NewDate(2027, 1, 1)
	half := civil.NewDate(2026, 7, 2)
	for name, c := range map[string]struct {
		approved, running Cents
		today             civil.Date
		want              ProjectStatus
		phrase            string
	}{
		"keeps pace":     {approved: 4_500_000, today: half, want: StatusOnTrack, phrase: "45% realised"},
		"behind":         {approved: 2_000_000, running: 3_000_000, today: half, want: StatusBehind, phrase: "reach EUR 50.000,00 of EUR 100.000,00"},
		"met":            {approved: 10_000_000, today: half, want: StatusMet},
		"overdue":        {approved: 9_000_000, today: civil.NewDate(2027, 1, 2), want: StatusOverdue, phrase: "passed"},
		"just the start": {approved: 0, today: start, want: StatusOnTrack},
	} {
		p := ProgressOf(10_000_000, c.approved, c.approved, c.running, start, deadline, c.today)
		if p.Status != c.want || !strings.Contains(p.Reason, c.phrase) {
			t.Errorf("%s: %s (%s), want %s saying %q", name, p.Status, p.Reason, c.want, c.phrase)
		}
	}
}

// The 1000-banenplan: 1000 people in work by January 2022 from January 2019; with 150 after
// its first year the region is behind the line and needs some 35 a month.
func TestTheJobsGoalsPace(t *testing.T) {
	g := JobsGoal{Target: 1000, From: civil.NewDate(2019, 1, 1), Deadline: civil.NewDate(2022, 1, 1)}
	p := PaceOf(g, 150, civil.NewDate(2020, 1, 1))
	if p.OnTrack || p.TargetToday != 333 || p.NeededPerMon < 35 || p.NeededPerMon > 36 {
		t.Fatalf("pace %+v", p)
	}
	if done := PaceOf(g, 1000, civil.NewDate(2021, 6, 1)); !done.OnTrack || done.NeededPerMon != 0 {
		t.Fatalf("goal reached: %+v", done)
	}
}
