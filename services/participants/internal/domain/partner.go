package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// PartnerRole is what a partner system may report on the partner topics.
type PartnerRole string

const (
	// PartnerProvider: a provider's learning system reports attendance of its own enrolments.
	PartnerProvider PartnerRole = "provider"
	// PartnerEmployer: an employer's HR system confirms jobs with that employer.
	PartnerEmployer PartnerRole = "employer"
	// PartnerUWV: UWV confirms jobs (polisadministratie), for any employer.
	PartnerUWV PartnerRole = "uwv"
)

// PartnerRoles lists every role.
var PartnerRoles = []PartnerRole{PartnerProvider, PartnerEmployer, PartnerUWV}

// PartnerSource binds a partner system's CloudEvents source (ce_source) to the
// organisation it speaks for. A message on a partner topic counts only when its source is
// registered, in the role the topic needs, for the organisation the message is about: the
// provider whose enrolment the hours are for, the employer of the job. The region's
// administrators register a source when they give the system access to Kafka.
type PartnerSource struct {
	optimistic.StoreVersion
	ID     string
	Region string
	Source string
	Role   PartnerRole
	// Org is the KvK number of the provider or employer; "uwv" for UWV.
	Org          string
	Name         string
	RegisteredAt time.Time
	// Keys is the JWK Set of the public keys the system signs its messages with: a message
	// counts only when its signature is made with one of them.
	Keys      json.RawMessage
	KeysSince time.Time
	// RevokedAt: no longer trusted; its messages are dead-lettered.
	RevokedAt *time.Time
}

// Revoke stops trusting the source.
func (s *PartnerSource) Revoke(now time.Time) error {
	if s.RevokedAt != nil {
		return rules.State("source %s was revoked on %s", s.Source, s.RevokedAt.Format(time.DateOnly))
	}
	t := now.UTC()
	s.RevokedAt = &t
	return nil
}

// PartnerSourceInput registers a partner system.
type PartnerSourceInput struct {
	Source string
	Role   PartnerRole
	Org    string
	Name   string
	Keys   json.RawMessage
}

// PartnerSourceID is deterministic: one registration per source.
func PartnerSourceID(source string) string {
	h := sha256.Sum256([]byte(source))
	return "src-" + hex.EncodeToString(h[:10])
}

// NewPartnerSource checks a registration.
func NewPartnerSource(region string, in PartnerSourceInput, now time.Time) (*PartnerSource, error) {
	var v rules.Checker
	v.Check(in.Source != "" && len(in.Source) <= 255 && !strings.ContainsAny(in.Source, " \t\r\n"), "source", "must be the system's CloudEvents source, at most 255 characters without spaces")
	v.Check(slices.Contains(PartnerRoles, in.Role), "role", "must be one of %v", PartnerRoles)
	switch in.Role {
	case PartnerUWV:
		v.Check(in.Org == "uwv", "org", `must be "uwv" for UWV`)
	default:
		v.Check(civil.ValidKvK(in.Org), "org", "must be the KvK number (8 digits) of the provider or employer")
	}
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required, at most 200 characters")
	v.Check(len(in.Keys) > 0, "keys", "is required: the JWK Set of the public keys the system signs its messages with")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &PartnerSource{ID: PartnerSourceID(in.Source), Region: region, Source: in.Source, Role: in.Role, Org: in.Org,
		Name: strings.TrimSpace(in.Name), RegisteredAt: now.UTC(), Keys: in.Keys, KeysSince: now.UTC()}, nil
}

// ReplaceKeys rotates the system's signing keys: from now on its messages count when
// signed with one of these.
func (s *PartnerSource) ReplaceKeys(keys json.RawMessage, now time.Time) error {
	if s.RevokedAt != nil {
		return rules.State("source %s was revoked; register it anew", s.Source)
	}
	s.Keys, s.KeysSince = keys, now.UTC()
	return nil
}

// MayReportAttendance: a provider's system, for that provider's enrolments only.
func (s *PartnerSource) MayReportAttendance(providerKvK string) error {
	if s.RevokedAt != nil {
		return rules.Forbid("source %s was revoked", s.Source)
	}
	if s.Role != PartnerProvider || s.Org != providerKvK {
		return rules.Forbid("source %s is registered as %s %s, not as the system of provider %s", s.Source, s.Role, s.Org, providerKvK)
	}
	return nil
}

// MayConfirmPlacement: UWV for any job, an employer for its own jobs. A provider never
// confirms a job: its own sustainable placement releases its last tranche.
func (s *PartnerSource) MayConfirmPlacement(confirmedBy, employerKvK string) error {
	switch {
	case s.RevokedAt != nil:
		return rules.Forbid("source %s was revoked", s.Source)
	case s.Role == PartnerUWV && confirmedBy == "uwv":
		return nil
	case s.Role == PartnerEmployer && confirmedBy == "employer" && s.Org == employerKvK:
		return nil
	}
	return rules.Forbid("source %s is registered as %s %s; it may not confirm a job as %s of employer %s", s.Source, s.Role, s.Org, confirmedBy, employerKvK)
}
