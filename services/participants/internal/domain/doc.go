// Package domain holds the participants rules: job seekers (deelnemers) with their BSN
// checked by the 11-proef, enrolments in a contracted provider's product with a guarded
// lifecycle, placements and when they become sustainable, and praktijkverklaringen.
// No I/O happens here.
package domain
