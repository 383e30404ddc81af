// Package trajectory is the published language of a training trajectory (traject) that
// every service shares: the milestones, the tranches paid at them, and the versioned terms a
// product is bought under. Procurement defines the terms; providers, participants and
// payments read them from events. No I/O happens here.
package trajectory

import "github.com/werkregio/platform/services/kit/civil"

// Milestone is a point in a trajectory at which a tranche falls due.
type Milestone string

const (
	MilestoneStarted           Milestone = "started"            // start van de opleiding
	MilestoneCompleted         Milestone = "completed"          // afronding, leerdoelen behaald
	MilestonePlaced            Milestone = "placed"             // plaatsing
	MilestoneSustainablyPlaced Milestone = "sustainably_placed" // duurzame plaatsing
)

// Milestones in trajectory order.
var Milestones = []Milestone{MilestoneStarted, MilestoneCompleted, MilestonePlaced, MilestoneSustainablyPlaced}

// Tranche is the share of the contracted price paid at a milestone.
type Tranche struct {
	Milestone Milestone `json:"milestone"`
	Percent   int       `json:"percent"`
}

// Terms is one version of a product's conditions (voorwaarden). A version applies to
// enrolments that start on or after EffectiveFrom; running enrolments keep theirs.
type Terms struct {
	Version                   int        `json:"version"`
	EffectiveFrom             civil.Date `json:"effectiveFrom"`
	MaxPriceCents             int64      `json:"maxPriceCents"`
	MinAttendanceHours        int        `json:"minAttendanceHours"`
	RequiredCertificates      []string   `json:"requiredCertificates"`
	Tranches                  []Tranche  `json:"tranches"`
	PlacementBeforeCompletion bool       `json:"placementBeforeCompletion"`
}

// TermsAt returns the version in force on day: of those effective on or before it, the
// highest version. An enrolment is pinned to the terms in force on its start date.
func TermsAt(versions []Terms, day civil.Date) (Terms, bool) {
	var found Terms
	ok := false
	for _, t := range versions {
		if !t.EffectiveFrom.After(day) && (!ok || t.Version > found.Version) {
			found, ok = t, true
		}
	}
	return found, ok
}

// Start is a start date (startmoment) of a product at a location, with how many
// participants the provider can take there: part of a provider's offer.
type Start struct {
	Date     civil.Date `json:"date"`
	Location string     `json:"location"`
	Capacity int        `json:"capacity"`
}

// Run is the period an Open House scheme runs: trajectories start within it.
type Run struct {
	From  civil.Date `json:"from"`
	Until civil.Date `json:"until"`
}

// Contains reports whether day lies in the run (both ends included).
func (r Run) Contains(day civil.Date) bool { return !day.Before(r.From) && !day.After(r.Until) }

func (r *Run) String() string {
	if r == nil {
		return "open"
	}
	return r.From.String() + " to " + r.Until.String()
}
