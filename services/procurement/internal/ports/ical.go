package ports

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/problem"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// calendarFeed serves the tender calendar as an iCalendar (RFC 5545) feed that calendar
// apps subscribe to. Each tender is an all-day event on its expected publication date.
func (h *HTTP) calendarFeed(c *gin.Context) {
	if c.Param("region") != h.region {
		httpserver.Fail(c, problem.NotFound("This platform instance serves region "+h.region+"."))
		return
	}
	tenders, err := h.app.Calendar(c, h.region)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Type", "text/calendar; charset=utf-8")
	c.Header("Cache-Control", "public, max-age=900")
	c.String(http.StatusOK, RenderCalendar(h.region, tenders, time.Now()))
}

// RenderCalendar writes the feed.
func RenderCalendar(region string, tenders []domain.Tender, now time.Time) string {
	cal := ics.NewCalendarFor("werkregio")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName("Aanbestedingskalender " + region)
	cal.SetXWRCalName("Aanbestedingskalender " + region)
	cal.SetDescription("Verwachte aanbestedingen in arbeidsmarktregio " + region)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, t := range tenders {
		ev := cal.AddEvent(t.ID + "@werkregio.nl") // stable UID: updates replace, not duplicate
		ev.SetDtStampTime(now.UTC())
		ev.SetModifiedAt(t.UpdatedAt)
		ev.SetAllDayStartAt(t.ExpectedPublication.Time())
		ev.SetAllDayEndAt(t.ExpectedPublication.AddDays(1).Time())
		ev.SetSummary("Aanbesteding: " + t.Title)
		ev.SetDescription(describeTender(t))
		ev.SetProperty(ics.ComponentPropertyCategories, string(t.Sector))
		ev.SetTimeTransparency(ics.TransparencyTransparent)
	}
	return cal.Serialize()
}

func describeTender(t domain.Tender) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sector: %s\n", t.Sector)
	fmt.Fprintf(&b, "Geraamde waarde: %s\n", domain.Euro(t.EstimatedValueCents))
	fmt.Fprintf(&b, "Social return: %d,%02d%%\n", t.SroiBasisPoints/100, t.SroiBasisPoints%100)
	fmt.Fprintf(&b, "Inkoper: %s", t.Buyer)
	if t.Description != "" {
		b.WriteString("\n\n" + t.Description)
	}
	return b.String()
}
