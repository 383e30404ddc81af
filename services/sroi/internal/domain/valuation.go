package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
)

// Kinds of declared contribution.
const (
	KindCandidate = "candidate" // a person deployed: a candidate type, hours, a period
	KindPurchase  = "purchase"  // purchasing from a social enterprise: an invoice
	KindHours     = "hours"     // guest lessons, coaching: hours at the table's hourly value
)

// Contribution is one line a contractor declares, as the table values it.
type Contribution struct {
	Kind         string
	Candidate    CandidateType
	HoursPerWeek float64
	From         civil.Date
	Until        civil.Date
	Bonuses      []Bonus
	InvoiceCents Cents
	Enterprise   string // the kind of social enterprise (table's purchasing shares)
	Hours        int
}

// Step is one line of a value's calculation, shown with the value.
type Step struct {
	Rule   string
	Detail string
	// Why is the detail by its rule, when it is a sentence (not a code or a name), for Dutch.
	Why   messages.Message
	Cents Cents
}

// said is a step whose detail is a sentence, kept by its rule as well.
func said(rule string, cents Cents, template string, args ...any) Step {
	m := messages.Of(template, args...)
	return Step{Rule: rule, Detail: m.English(), Why: m, Cents: cents}
}

// Value is what a declaration is worth, with the calculation that got there.
type Value struct {
	Cents  Cents
	Months int
	Table  string
	Trace  []Step
}

// ValueOf values a declaration with a table. A candidate counts for months (those that
// count after double counting and the table's cap: CountableMonths): (the yearly value of
// the candidate type + its bonuses) × hours a week / the table's full time (at most 1) ×
// months / 12, rounded to the nearest cent (half up). A purchase counts the table's share of
// the invoice (rounded down to the cent); hours count at the table's hourly value.
func ValueOf(t Table, d Contribution, months int) (Value, error) {
	v := Value{Table: fmt.Sprintf("%s (version %d, from %s)", t.Name, t.Version, t.EffectiveFrom)}
	switch d.Kind {
	case KindCandidate:
		yearly, ok := t.Yearly[d.Candidate]
		if !ok {
			return v, rules.Invalid("candidateType", "%s has no value in %s", d.Candidate, t.Name)
		}
		if d.HoursPerWeek <= 0 || d.HoursPerWeek > 60 {
			return v, rules.Invalid("hoursPerWeek", "must be more than 0 and at most 60")
		}
		v.Trace = append(v.Trace, Step{Rule: "yearly value for full time", Detail: string(d.Candidate), Cents: yearly})
		total := yearly
		for _, b := range d.Bonuses {
			bonus, ok := t.Bonuses[b]
			if !ok {
				v.Trace = append(v.Trace, Step{Rule: "bonus not in this table", Detail: string(b)})
				continue
			}
			total += bonus
			v.Trace = append(v.Trace, Step{Rule: "bonus", Detail: string(b), Cents: bonus})
		}
		hundredths := int64(math.Round(d.HoursPerWeek * 100))
		full := int64(t.FullTimeHours) * 100
		hundredths = min(hundredths, full)
		v.Months = months
		num := total * hundredths * int64(months)
		den := full * 12
		v.Cents = (num + den/2) / den
		v.Trace = append(v.Trace,
			said("part of full time", 0, "%s of %d hours a week", decimal(hundredths), t.FullTimeHours),
			said("months that count", 0, "%d of 12", months),
			said("value", v.Cents, "%s × %s/%d × %d/12, rounded to the cent", Euro(total), decimal(hundredths), t.FullTimeHours, months))
	case KindPurchase:
		bp, ok := t.PurchaseBasisPoints[d.Enterprise]
		if !ok {
			return v, rules.Invalid("enterprise", "%s does not value purchasing from %q", t.Name, d.Enterprise)
		}
		if d.InvoiceCents <= 0 {
			return v, rules.Invalid("invoiceCents", "must be positive")
		}
		v.Cents = d.InvoiceCents * int64(bp) / 10_000
		v.Trace = []Step{{Rule: "invoice", Detail: d.Enterprise, Cents: d.InvoiceCents},
			{Rule: "share of the invoice that counts", Detail: percent(bp), Cents: v.Cents}}
	case KindHours:
		if t.HourlyCents == 0 {
			return v, rules.Invalid("kind", "%s does not value hours of guest lessons or coaching", t.Name)
		}
		if d.Hours <= 0 {
			return v, rules.Invalid("hours", "must be positive")
		}
		v.Cents = int64(d.Hours) * t.HourlyCents
		v.Trace = []Step{said("hours at the hourly value", v.Cents, "%d × %s", d.Hours, Euro(t.HourlyCents))}
	default:
		return v, rules.Invalid("kind", "must be %s, %s or %s", KindCandidate, KindPurchase, KindHours)
	}
	return v, nil
}

// MonthsOf are the calendar months (YYYY-MM) a period counts for: a month counts when the
// period covers at least half of its days.
func MonthsOf(from, until civil.Date) []string {
	var out []string
	if from.IsZero() || until.IsZero() || until.Before(from) {
		return out
	}
	first := time.Date(from.Time().Year(), from.Time().Month(), 1, 0, 0, 0, 0, time.UTC)
	for m := first; !m.After(until.Time()); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, -1)
		start, stop := m, end
		if from.Time().After(start) {
			start = from.Time()
		}
		if until.Time().Before(stop) {
			stop = until.Time()
		}
		covered := int(stop.Sub(start).Hours()/24) + 1
		if covered*2 >= end.Day() {
			out = append(out, m.Format("2006-01"))
		}
	}
	return out
}

// Holder is the declaration that holds a claimed unit (a candidate's month, a purchase's
// invoice, a person's week of hours): the region and declaration, and the project.
type Holder struct {
	Owner   string // <region>/<declaration>
	Project string // <region>/<project>
}

// Claimable decides which units of a declaration's claim count, the one rule of "once",
// for every region alike (each keeps every claim in the shared topic's order): a unit
// another declaration holds does not count, with where it counts; one this declaration
// holds counts again (a replay); and a candidate counts at most max months on one project
// (onProject: the months other declarations of the project hold for the person; 0: no
// cap). held are the units of the claim already held, by whom.
func Claimable(units []string, held map[string]Holder, owner, project, region string, onProject, max int) (grant []string, refused []RefusedMonth) {
	counted := onProject
	for _, u := range slices.Sorted(slices.Values(units)) {
		h, taken := held[u]
		switch {
		case taken && h.Owner == owner:
			grant = append(grant, u)
			counted++
		case taken:
			refused = append(refused, refusedBecause(u, true, heldElsewhere(h, project, region)))
		case max > 0 && counted >= max:
			refused = append(refused, refusedBecause(u, false, messages.Of("the table counts a candidate at most %d months on a project", max)))
		default:
			grant = append(grant, u)
			counted++
		}
	}
	return grant, refused
}

// heldElsewhere says where a unit counts already, naming no other region's project and
// nothing of the person.
func heldElsewhere(h Holder, project, region string) messages.Message {
	other, _, _ := strings.Cut(h.Owner, "/")
	switch {
	case h.Project == project:
		return messages.Of("counts already in another declaration on this project")
	case other == region:
		return messages.Of("counts already on another project of this region")
	default:
		return messages.Of("counts already on a project of another region (%s)", other)
	}
}

// refusedBecause is a month that does not count, for the reason why says.
func refusedBecause(month string, taken bool, why messages.Message) RefusedMonth {
	return RefusedMonth{Month: month, Reason: why.English(), Why: why, Taken: taken}
}

// decimal writes hundredths as a number with two decimals (0.90), as the services write one.
func decimal(hundredths int64) string { return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100) }
