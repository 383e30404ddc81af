package domain

import "github.com/werkregio/platform/services/kit/civil"

const k = 100_000 // EUR 1,000 in cents

// PublishedTables are the value tables the platform ships with, each with its source and
// worked examples (computed from the values the source gives). Values are yearly, for
// full-time work, in euro cents. A region adopts one with SROI_TABLES, or publishes its own.
var PublishedTables = []Table{
	{
		ID: "utrecht-2022", Region: "utrecht", Name: "Bouwblokken social return Utrecht", Version: 1,
		EffectiveFrom: civil.NewDate(2022, 1, 1),
		Source: "Gemeente Utrecht, bouwblokkenmethode social return, as summarised in the platform's domain notes " +
			"(../shared/DOMAIN.md); the notes do not give the day the table took effect: 1 January 2022 is assumed, to be confirmed with the region",
		FullTimeHours: 36,
		Yearly: map[CandidateType]Cents{CandidateParticipatiewet: 40 * k, CandidateBanenafspraak: 50 * k, CandidateWajong: 50 * k,
			CandidateWW: 20 * k, CandidateWIA: 40 * k, CandidateBBL: 35 * k, CandidateBOL: 20 * k, CandidateNoBenefit: 10 * k},
		Bonuses:             map[Bonus]Cents{BonusAge50: 10 * k, BonusStatushouder: 10 * k, BonusPermanent: 10 * k},
		PurchaseBasisPoints: map[string]int{"": 10_000},
		HourlyCents:         100_00,
		Examples: []TableExample{
			{Description: "Participatiewet, full time, six months", Contribution: Contribution{Kind: KindCandidate, Candidate: CandidateParticipatiewet, HoursPerWeek: 36}, Months: 6, ExpectedCents: 20_000_00},
			{Description: "WW, 50 plus, 24 hours a week, a year", Contribution: Contribution{Kind: KindCandidate, Candidate: CandidateWW, HoursPerWeek: 24, Bonuses: []Bonus{BonusAge50}}, Months: 12, ExpectedCents: 20_000_00},
			{Description: "purchase from a social enterprise at invoice value", Contribution: Contribution{Kind: KindPurchase, InvoiceCents: 1_234_56}, Months: 0, ExpectedCents: 1_234_56},
			{Description: "ten hours of guest lessons", Contribution: Contribution{Kind: KindHours, Hours: 10}, Months: 0, ExpectedCents: 1_000_00},
		},
	},
	{
		ID: "haaglanden-zhc-2023-07", Region: "haaglanden", Name: "Bouwblokken Haaglanden en Zuid-Holland Centraal", Version: 1,
		EffectiveFrom: civil.NewDate(2023, 7, 1),
		Source: "Regio's Haaglanden en Zuid-Holland Centraal, bouwblokken voor aanbestedingen vanaf 1 juli 2023, as summarised " +
			"in the platform's domain notes (../shared/DOMAIN.md)",
		FullTimeHours: 36,
		Yearly: map[CandidateType]Cents{CandidateWW: 20 * k, CandidateWIA: 30 * k, CandidateParticipatiewet: 40 * k,
			CandidateBanenafspraak: 50 * k, CandidateSchoolLeaverVSO: 25 * k},
		Bonuses:         map[Bonus]Cents{BonusAge55: 10 * k},
		MaxMonths:       12,
		MaxMonthsByType: map[CandidateType]int{CandidateBanenafspraak: 24},
		Examples: []TableExample{
			{Description: "WW, full time, a year", Contribution: Contribution{Kind: KindCandidate, Candidate: CandidateWW, HoursPerWeek: 36}, Months: 12, ExpectedCents: 20_000_00},
			{Description: "Banenafspraak, half time, 24 months", Contribution: Contribution{Kind: KindCandidate, Candidate: CandidateBanenafspraak, HoursPerWeek: 18}, Months: 24, ExpectedCents: 50_000_00},
		},
	},
	{
		ID: "holland-rijnland-2023-09", Region: "holland-rijnland", Name: "Bouwblokken Leiden en Holland Rijnland", Version: 1,
		EffectiveFrom: civil.NewDate(2023, 9, 1),
		Source: "Leiden en Holland Rijnland, bouwblokken voor aanbestedingen vanaf 1 september 2023, as summarised in the " +
			"platform's domain notes (../shared/DOMAIN.md)",
		FullTimeHours: 36,
		Yearly: map[CandidateType]Cents{CandidateParticipatiewet: 30 * k, CandidateParticipatiewetB: 50 * k, CandidateWajong: 25 * k,
			CandidateWW: 15 * k, CandidateWIA: 40 * k, CandidateBBL: 25 * k},
		Bonuses: map[Bonus]Cents{BonusAge55: 15 * k},
		Examples: []TableExample{
			{Description: "Participatiewet, 55 plus, full time, six months", Contribution: Contribution{Kind: KindCandidate, Candidate: CandidateParticipatiewet, HoursPerWeek: 36, Bonuses: []Bonus{BonusAge55}}, Months: 6, ExpectedCents: 22_500_00},
		},
	},
	{
		ID: "twente-purchasing", Region: "twente", Name: "Social return Twente: inkoop bij sociale ondernemingen", Version: 1,
		EffectiveFrom: civil.NewDate(2022, 1, 1),
		Source: "Twente: purchasing from an enterprise with the Code Sociale Ondernemingen counts 100% of the invoice, from a " +
			"Social Enterprise NL member 50%, as summarised in the platform's domain notes (../shared/DOMAIN.md); only the purchasing part",
		FullTimeHours:       36,
		Yearly:              map[CandidateType]Cents{},
		PurchaseBasisPoints: map[string]int{"code-sociale-ondernemingen": 10_000, "social-enterprise-nl": 5_000},
		Examples: []TableExample{
			{Description: "purchase from a Code Sociale Ondernemingen enterprise", Contribution: Contribution{Kind: KindPurchase, Enterprise: "code-sociale-ondernemingen", InvoiceCents: 10_000_00}, Months: 0, ExpectedCents: 10_000_00},
			{Description: "purchase from a Social Enterprise NL member", Contribution: Contribution{Kind: KindPurchase, Enterprise: "social-enterprise-nl", InvoiceCents: 10_000_00}, Months: 0, ExpectedCents: 5_000_00},
		},
	},
}
