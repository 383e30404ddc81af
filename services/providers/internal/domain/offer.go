package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

// Offer is what a provider offers under one contract (aanbod): per contracted product the
// locations and start dates with how many participants it can take. It is created from
// procurement's contract.awarded event and follows the contract's status; the provider fills
// in locations, starts and capacity.
type Offer struct {
	optimistic.StoreVersion // the version: its ETag
	ContractID              string
	ContractNumber          string
	SchemeID                string
	SchemeReference         string
	Region                  string
	Buyer                   string
	ProviderKvK             string
	ProviderName            string
	ContractStatus          string
	Products                []OfferProduct
	// SchemeRun is when trajectories may start: every start lies in it.
	SchemeRun *trajectory.Run
	// Revision increases with every change, so replicas in other services keep the newest.
	Revision  int
	UpdatedAt time.Time
}

// Contract statuses as procurement reports them.
const (
	ContractActive    = "active"
	ContractSuspended = "suspended"
	ContractEnded     = "ended"
)

// OfferProduct is one contracted product (traject) at its contracted price.
type OfferProduct struct {
	ProductID  string
	Name       string
	PriceCents int64
	Terms      []trajectory.Terms
	Locations  []string
	Starts     []trajectory.Start
}

// NewOffer starts an empty offer for a contract just awarded.
func NewOffer(o Offer, now time.Time) *Offer {
	o.ContractStatus = ContractActive
	o.Revision = 1
	o.UpdatedAt = now.UTC()
	for i := range o.Products {
		o.Products[i].Locations = []string{}
		o.Products[i].Starts = []trajectory.Start{}
		sortTerms(o.Products[i].Terms)
	}
	return &o
}

func sortTerms(t []trajectory.Terms) {
	slices.SortFunc(t, func(a, b trajectory.Terms) int { return a.Version - b.Version })
}

// SetContractStatus follows the contract; it reports whether anything changed.
func (o *Offer) SetContractStatus(status string, now time.Time) bool {
	if o.ContractStatus == status || o.ContractStatus == ContractEnded {
		return false // an ended contract stays ended, whatever arrives late
	}
	o.ContractStatus = status
	o.touch(now)
	return true
}

// AddProduct adds a product the contract was extended with (no locations or starts yet);
// it reports whether the offer changed.
func (o *Offer) AddProduct(p OfferProduct, now time.Time) bool {
	if slices.ContainsFunc(o.Products, func(have OfferProduct) bool { return have.ProductID == p.ProductID }) {
		return false
	}
	p.Locations, p.Starts = []string{}, []trajectory.Start{}
	p.Terms = slices.Clone(p.Terms)
	sortTerms(p.Terms)
	o.Products = append(o.Products, p)
	o.touch(now)
	return true
}

// AddTerms records a terms version of a product (a later change by the buyer); it reports
// whether the offer changed. Known versions are left as they are.
func (o *Offer) AddTerms(productID string, t trajectory.Terms, now time.Time) bool {
	for i := range o.Products {
		p := &o.Products[i]
		if p.ProductID != productID {
			continue
		}
		if slices.ContainsFunc(p.Terms, func(h trajectory.Terms) bool { return h.Version == t.Version }) {
			return false
		}
		p.Terms = append(p.Terms, t)
		sortTerms(p.Terms)
		o.touch(now)
		return true
	}
	return false
}

func (o *Offer) touch(now time.Time) {
	o.Revision++
	o.UpdatedAt = now.UTC()
}

// ProductOfferInput sets a product's locations and starts.
type ProductOfferInput struct {
	Locations []string
	Starts    []trajectory.Start
}

// MaxCapacity bounds one start: larger groups are not a training group but a data error.
const MaxCapacity = 500

// SetProductOffer replaces a product's locations and starts. Enrolments already made keep
// their place when a start is removed or its capacity lowered.
func (o *Offer) SetProductOffer(productID string, in ProductOfferInput, now time.Time) error {
	if o.ContractStatus == ContractEnded {
		return rules.State("contract %s has ended; its offer can no longer change", o.ContractNumber)
	}
	i := slices.IndexFunc(o.Products, func(p OfferProduct) bool { return p.ProductID == productID })
	if i < 0 {
		return rules.ErrNotFound
	}
	var v rules.Checker
	locs := []string{}
	for j, l := range in.Locations {
		l = strings.TrimSpace(l)
		v.Check(l != "" && len(l) <= 100, fmt.Sprintf("locations[%d]", j), "must be a place name of at most 100 characters")
		v.Check(!slices.Contains(locs, l), fmt.Sprintf("locations[%d]", j), "is listed twice")
		locs = append(locs, l)
	}
	seen := map[string]bool{}
	for j, s := range in.Starts {
		f := fmt.Sprintf("starts[%d]", j)
		v.Check(!s.Date.IsZero(), f+".date", "is required")
		v.Check(o.SchemeRun == nil || s.Date.IsZero() || o.SchemeRun.Contains(s.Date), f+".date", "lies outside the scheme's run (%s)", o.SchemeRun)
		v.Check(slices.Contains(locs, s.Location), f+".location", "must be one of the locations")
		v.Check(s.Capacity >= 1 && s.Capacity <= MaxCapacity, f+".capacity", "must be between 1 and %d", MaxCapacity)
		k := s.Date.String() + "|" + s.Location
		v.Check(!seen[k], f, "the same date and location are listed twice")
		seen[k] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	starts := slices.Clone(in.Starts)
	if starts == nil {
		starts = []trajectory.Start{}
	}
	slices.SortFunc(starts, func(a, b trajectory.Start) int {
		if c := strings.Compare(a.Date.String(), b.Date.String()); c != 0 {
			return c
		}
		return strings.Compare(a.Location, b.Location)
	})
	o.Products[i].Locations, o.Products[i].Starts = locs, starts
	o.touch(now)
	return nil
}
