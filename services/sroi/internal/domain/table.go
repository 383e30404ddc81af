package domain

// CandidateType is whom a contractor deploys (doelgroep), as the value tables name them.
type CandidateType string

const (
	CandidateParticipatiewet  CandidateType = "participatiewet"
	CandidateBanenafspraak    CandidateType = "banenafspraak" // doelgroepregister
	CandidateWajong           CandidateType = "wajong"
	CandidateWW               CandidateType = "ww"
	CandidateWIA              CandidateType = "wia_wao"
	CandidateNoBenefit        CandidateType = "no_benefit"
	CandidateSchoolLeaverVSO  CandidateType = "vso_pro" // a school leaver of vso or PrO
	CandidateBBL              CandidateType = "bbl"     // a work-study place
	CandidateBOL              CandidateType = "bol"     // an internship
	CandidateParticipatiewetB CandidateType = "participatiewet_doelgroepregister"
)

// Bonus is what a candidate's circumstances add to the yearly value.
type Bonus string

const (
	BonusAge50        Bonus = "age_50_plus"
	BonusAge55        Bonus = "age_55_plus"
	BonusStatushouder Bonus = "statushouder"
	BonusPermanent    Bonus = "permanent_contract"
)

// Table is a region's value table (bouwblokkentabel) from a day on: what a candidate is
// worth for a year of full-time work, the bonuses, how many months a candidate counts, and
// the alternative contributions. Tables are data: a tender is valued with the table in
// force on its publication date.
type Table struct {
	ID            string `json:"id"`
	Region        string `json:"region"`
	Name          string `json:"name"`
	Version       int    `json:"version"`
	EffectiveFrom Date   `json:"effectiveFrom"`
	// Source names the published table (and says what it leaves open).
	Source string `json:"source"`
	// FullTimeHours: a week's hours that count as full time (36 in most tables).
	FullTimeHours int                     `json:"fullTimeHours"`
	Yearly        map[CandidateType]Cents `json:"yearlyCents"`
	Bonuses       map[Bonus]Cents         `json:"bonusCents"`
	// MaxMonths: how many months one candidate counts (0: no limit), per type where a type
	// differs (MaxMonthsOf).
	MaxMonths       int                   `json:"maxMonths"`
	MaxMonthsByType map[CandidateType]int `json:"maxMonthsByType"`
	// Purchasing from a social enterprise counts this share of the invoice, in basis points,
	// per kind of enterprise ("" the default).
	PurchaseBasisPoints map[string]int `json:"purchaseBasisPoints"`
	// HourlyCents values hours of guest lessons or coaching.
	HourlyCents Cents `json:"hourlyCents"`
}

// MaxMonthsOf is how many months a candidate of a type counts (0: no limit).
func (t Table) MaxMonthsOf(c CandidateType) int {
	if n, ok := t.MaxMonthsByType[c]; ok {
		return n
	}
	return t.MaxMonths
}

// TableAt is the region's table in force on a day (a tender's publication date).
func TableAt(tables []Table, region string, day Date) (Table, bool) {
	var found Table
	ok := false
	for _, t := range tables {
		if t.Region == region && !t.EffectiveFrom.After(day) && (!ok || t.EffectiveFrom.After(found.EffectiveFrom) ||
			t.EffectiveFrom == found.EffectiveFrom && t.Version > found.Version) {
			found, ok = t, true
		}
	}
	return found, ok
}
