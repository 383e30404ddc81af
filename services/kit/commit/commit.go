// Package commit is what a command records besides an aggregate's new state: who made the
// change (Actor), the audit entry, and the events to publish with it (Outcome). The store
// writes them in one commit of its log.
package commit

import "time"

// Event is a public event caused by a command, keyed by its aggregate.
type Event struct {
	Type    string
	Key     string
	Subject string
	Data    any
}

// Actor is who caused a change, for the audit trail: a user (subject, display name,
// organisation) or a system such as a partner topic or a scheduled check.
type Actor struct {
	Subject string `bson:"subject" json:"subject"`
	Name    string `bson:"name,omitempty" json:"name,omitempty"`
	Org     string `bson:"org,omitempty" json:"org,omitempty"`
}

// AuditEntry is one change in an aggregate's history: who did what, when.
type AuditEntry struct {
	Version int       `json:"version"`
	Action  string    `json:"action"`
	Actor   Actor     `json:"actor"`
	At      time.Time `json:"at"`
}

// System names a non-human actor, e.g. System("certificate-check").
func System(name string) Actor { return Actor{Subject: "system:" + name} }

// Outcome is what a command did to one aggregate besides its new state: the version it
// loaded (0 for a new one), the events to publish and the audit entry.
type Outcome struct {
	Version int
	Events  []Event
	Actor   Actor
	Action  string
	// Causes name effects the change applies that must happen once each (a ledger's
	// transfers): the store keeps them with the change, so a later writer finds them
	// (store.Aggregates.CausesApplied) and applies none twice.
	Causes []string
	// Detail is what the change did beyond its new state, kept with it in the log and read
	// back with the aggregate's history (a ledger's postings): JSON, never shown as state.
	Detail any
}
