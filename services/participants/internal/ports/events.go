package ports

import (
	"github.com/werkregio/platform/contracts/events"
	"github.com/werkregio/platform/services/kit/optional"
	"github.com/werkregio/platform/services/kit/trajectory"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// The events this service follows, from the contracts' types to what the app needs of them.

// offer is a provider's offer as this service keeps its copy.
func offer(e events.OfferChanged) domain.Offer {
	o := domain.Offer{ContractID: e.ContractID, ContractNumber: e.ContractNumber, SchemeID: e.SchemeID, Region: e.Region, ProviderKvK: e.ProviderKvK,
		ProviderName: e.ProviderName, ContractStatus: string(e.ContractStatus), Revision: e.Revision, Products: make([]domain.OfferProduct, len(e.Products))}
	if r := e.SchemeRun; r != nil {
		o.SchemeRun = &trajectory.Run{From: r.From, Until: r.Until}
	}
	for i, p := range e.Products {
		starts := make([]trajectory.Start, len(p.Starts))
		for j, s := range p.Starts {
			starts[j] = trajectory.Start{Date: s.Date, Location: s.Location, Capacity: s.Capacity}
		}
		o.Products[i] = domain.OfferProduct{ProductID: p.ProductID, Name: p.Name, PriceCents: p.PriceCents, Terms: trajectory.TermsOfAll(p.Terms), Starts: starts}
	}
	return o
}

// attendance is a partner's report of a day's hours.
func attendance(e events.AttendanceReported) domain.AttendanceReport {
	return domain.AttendanceReport{EnrolmentID: e.EnrolmentID, ProviderKvK: e.ProviderKvK, Date: e.Date, Hours: e.Hours, ReportID: e.ReportID}
}

// placement is an employer's or UWV's report of a job.
func placement(e events.PlacementConfirmed) app.PlacementConfirmation {
	c := app.PlacementConfirmation{EnrolmentID: e.EnrolmentID, ConfirmedBy: string(e.ConfirmedBy), ReportID: e.ReportID,
		PlacementInput: domain.PlacementInput{EmployerKvK: e.EmployerKvK, StartDate: e.StartDate, HoursPerWeek: e.HoursPerWeek,
			ContractType: domain.ContractType(e.ContractType)}}
	c.EndDate = optional.Value(e.EndDate)
	return c
}
