package domain

import (
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// TenderStatus: announced on the calendar, awarded, or cancelled.
type TenderStatus string

const (
	TenderAnnounced TenderStatus = "announced"
	TenderAwarded   TenderStatus = "awarded"
	TenderCancelled TenderStatus = "cancelled"
)

// MaxSroiBasisPoints caps the social-return percentage at 100.00%.
const MaxSroiBasisPoints = 10_000

// Tender is an upcoming public tender on the region's tender calendar
// (aanbestedingskalender), published so local firms and providers can prepare.
type Tender struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	Region                  string
	Buyer                   string
	Title                   string
	Description             string
	Sector                  Sector
	ExpectedPublication     civil.Date
	EstimatedValueCents     int64
	// SroiBasisPoints is the social-return percentage in hundredths of a percent (500 = 5%),
	// so obligations compute exactly in integers.
	SroiBasisPoints int
	Status          TenderStatus
	Award           *Award
	AnnouncedAt     time.Time
	UpdatedAt       time.Time
}

// TenderInput announces or updates a tender.
type TenderInput struct {
	Title               string
	Description         string
	Sector              Sector
	ExpectedPublication civil.Date
	EstimatedValueCents int64
	SroiBasisPoints     int
}

// Award (gunning) records who won, for how much, and the social-return obligation's basis.
type Award struct {
	ContractorKvK             string
	ContractorName            string
	ContractValueExclVatCents int64
	SroiBasisPoints           int
	PublicationDate           civil.Date
	AwardedOn                 civil.Date
	ContractType              string
	ContractStart             civil.Date
	ContractEnd               civil.Date
	RecordedAt                time.Time
}

// AwardInput is what a buyer records at award.
type AwardInput struct {
	ContractorKvK             string
	ContractorName            string
	ContractValueExclVatCents int64
	SroiBasisPoints           int
	// PublicationDate is when the tender was published; the region's SROI value table in
	// force on that day values the contractor's contributions.
	PublicationDate civil.Date
	AwardedOn       civil.Date
	// ContractType (works, services, supplies) and the contract's period decide whether the
	// region's social-return policy applies and when the obligation is due.
	ContractType  string
	ContractStart civil.Date
	ContractEnd   civil.Date
}

func (in TenderInput) validate() error {
	v := &rules.Checker{}
	v.Check(strings.TrimSpace(in.Title) != "" && len(in.Title) <= 200, "title", "is required, at most 200 characters")
	v.Check(len(in.Description) <= 4000, "description", "may be at most 4000 characters")
	v.Check(slices.Contains(Sectors, in.Sector), "sector", "must be one of %v", Sectors)
	v.Check(!in.ExpectedPublication.IsZero(), "expectedPublication", "is required")
	v.Check(in.EstimatedValueCents > 0, "estimatedValueCents", "must be a positive amount in cents")
	v.Check(in.SroiBasisPoints >= 0 && in.SroiBasisPoints <= MaxSroiBasisPoints, "sroiBasisPoints", "must be between 0 and 10000 (100%%)")
	return v.Err()
}

// NewTender announces a tender.
func NewTender(id, region, buyer string, in TenderInput, now time.Time) (*Tender, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	t := &Tender{ID: id, Region: region, Buyer: buyer, Status: TenderAnnounced, AnnouncedAt: now.UTC()}
	t.set(in, now)
	return t, nil
}

func (t *Tender) set(in TenderInput, now time.Time) {
	t.Title, t.Description, t.Sector = strings.TrimSpace(in.Title), in.Description, in.Sector
	t.ExpectedPublication, t.EstimatedValueCents, t.SroiBasisPoints = in.ExpectedPublication, in.EstimatedValueCents, in.SroiBasisPoints
	t.UpdatedAt = now.UTC()
}

// Update changes an announced tender (dates move, estimates change).
func (t *Tender) Update(in TenderInput, now time.Time) error {
	if t.Status != TenderAnnounced {
		return rules.State("tender %s is %s and can no longer change", t.ID, t.Status)
	}
	if err := in.validate(); err != nil {
		return err
	}
	t.set(in, now)
	return nil
}

// RecordAward registers the award; it creates the contractor's social-return obligation.
func (t *Tender) RecordAward(in AwardInput, now time.Time) error {
	if t.Status != TenderAnnounced {
		return rules.State("tender %s is %s; only an announced tender can be awarded", t.ID, t.Status)
	}
	v := &rules.Checker{}
	v.Check(civil.ValidKvK(in.ContractorKvK), "contractorKvk", "must be a KvK number of 8 digits")
	v.Check(strings.TrimSpace(in.ContractorName) != "", "contractorName", "is required")
	v.Check(in.ContractValueExclVatCents > 0, "contractValueExclVatCents", "must be a positive amount in cents")
	v.Check(in.SroiBasisPoints >= 0 && in.SroiBasisPoints <= MaxSroiBasisPoints, "sroiBasisPoints", "must be between 0 and 10000 (100%%)")
	v.Check(!in.PublicationDate.IsZero(), "publicationDate", "is required")
	v.Check(!in.AwardedOn.IsZero(), "awardedOn", "is required")
	if !in.PublicationDate.IsZero() && !in.AwardedOn.IsZero() {
		v.Check(!in.AwardedOn.Before(in.PublicationDate), "awardedOn", "cannot be before the publication date")
	}
	v.Check(!in.AwardedOn.After(civil.DateOf(now)), "awardedOn", "cannot lie in the future")
	v.Check(in.ContractType == "" || slices.Contains([]string{"works", "services", "supplies"}, in.ContractType), "contractType", "must be works, services or supplies")
	if !in.ContractEnd.IsZero() {
		start := in.ContractStart
		if start.IsZero() {
			start = in.AwardedOn
		}
		v.Check(start.IsZero() || in.ContractEnd.After(start), "contractEnd", "must lie after the contract's start")
	}
	if err := v.Err(); err != nil {
		return err
	}
	t.Status = TenderAwarded
	t.Award = &Award{
		ContractorKvK: in.ContractorKvK, ContractorName: strings.TrimSpace(in.ContractorName),
		ContractValueExclVatCents: in.ContractValueExclVatCents, SroiBasisPoints: in.SroiBasisPoints,
		PublicationDate: in.PublicationDate, AwardedOn: in.AwardedOn, RecordedAt: now.UTC(),
		ContractType: in.ContractType, ContractStart: in.ContractStart, ContractEnd: in.ContractEnd,
	}
	t.UpdatedAt = now.UTC()
	return nil
}

// Cancel takes the tender off the calendar.
func (t *Tender) Cancel(now time.Time) error {
	if t.Status != TenderAnnounced {
		return rules.State("tender %s is %s and cannot be cancelled", t.ID, t.Status)
	}
	t.Status, t.UpdatedAt = TenderCancelled, now.UTC()
	return nil
}

// SroiObligationCents is the award's social-return obligation before any regional cap:
// contract value x percentage, rounded down to whole cents (in the contractor's favour by
// less than a cent; the sroi service applies the region's caps).
func (a *Award) SroiObligationCents() int64 {
	return a.ContractValueExclVatCents * int64(a.SroiBasisPoints) / 10_000
}
