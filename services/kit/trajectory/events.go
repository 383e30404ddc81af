package trajectory

import "github.com/werkregio/platform/contracts/events"

// TermsOf reads terms as events carry them (contracts/events).
func TermsOf(t events.Terms) Terms {
	out := Terms{Version: t.Version, EffectiveFrom: t.EffectiveFrom, MaxPriceCents: t.MaxPriceCents, MinAttendanceHours: t.MinAttendanceHours,
		RequiredCertificates: t.RequiredCertificates, PlacementBeforeCompletion: t.PlacementBeforeCompletion}
	for _, tr := range t.Tranches {
		out.Tranches = append(out.Tranches, Tranche{Milestone: Milestone(tr.Milestone), Percent: tr.Percent})
	}
	return out
}

// Event is the terms as events carry them.
func (t Terms) Event() events.Terms {
	out := events.Terms{Version: t.Version, EffectiveFrom: t.EffectiveFrom, MaxPriceCents: t.MaxPriceCents, MinAttendanceHours: t.MinAttendanceHours,
		RequiredCertificates: t.RequiredCertificates, PlacementBeforeCompletion: t.PlacementBeforeCompletion, Tranches: []events.Tranche{}}
	for _, tr := range t.Tranches {
		out.Tranches = append(out.Tranches, events.Tranche{Milestone: events.Milestone(tr.Milestone), Percent: tr.Percent})
	}
	return out
}

// TermsOfAll reads every version an event carries.
func TermsOfAll(ts []events.Terms) []Terms {
	out := make([]Terms, len(ts))
	for i, t := range ts {
		out[i] = TermsOf(t)
	}
	return out
}
