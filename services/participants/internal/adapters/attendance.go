package adapters

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Attendance is credited per enrolment and day in one document (attendance_days) that
// holds the day's minutes and the ids of the reports they came from: the 24-hour cap of a
// day and "one report counts once" are both checked on that document and written with a
// version guard, so concurrent reports (the partner topic and the provider's HTTP call at
// the same moment) can never add up past a day. Each accepted report is also kept as a
// fact (attendance: who sent what, when), for audit.
type Attendance struct {
	days  *mongo.Collection
	facts *mongo.Collection
}

const attendanceDays = "attendance_days"

// NewAttendance uses the attendance_days and attendance collections.
func NewAttendance(db *mongo.Database) *Attendance {
	return &Attendance{days: db.Collection(attendanceDays), facts: db.Collection("attendance")}
}

type attendanceDay struct {
	ID          string   `bson:"_id"` // enrolment|date
	EnrolmentID string   `bson:"enrolmentId"`
	Date        string   `bson:"date"`
	Minutes     int      `bson:"minutes"`
	Reports     []string `bson:"reports"`
	V           int      `bson:"v"`
}

type attendanceFact struct {
	ID          string    `bson:"_id"` // enrolment|date|report
	EnrolmentID string    `bson:"enrolmentId"`
	Date        string    `bson:"date"`
	Minutes     int       `bson:"minutes"`
	ProviderKvK string    `bson:"providerKvk"`
	Source      string    `bson:"source"`
	ReceivedAt  time.Time `bson:"receivedAt"`
}

// Record credits the reports in order; a report that would take its day past the cap is
// not credited, and its index is returned with the minutes the day already has.
func (a *Attendance) Record(ctx context.Context, reports []domain.AttendanceReport) (map[int]int, error) {
	full := map[int]int{}
	var facts []any
	now := time.Now().UTC()
	for i, r := range reports {
		have, ok, err := a.credit(ctx, r)
		if err != nil {
			return nil, err
		}
		if !ok {
			full[i] = have
			continue
		}
		facts = append(facts, attendanceFact{ID: r.EnrolmentID + "|" + r.Date.String() + "|" + r.ReportID, EnrolmentID: r.EnrolmentID,
			Date: r.Date.String(), Minutes: r.Minutes(), ProviderKvK: r.ProviderKvK, Source: r.Source, ReceivedAt: now})
	}
	_, err := store.InsertFacts(ctx, a.facts, facts)
	return full, err
}

// credit adds one report to its day unless it is there already (ok) or the day is full.
func (a *Attendance) credit(ctx context.Context, r domain.AttendanceReport) (have int, ok bool, err error) {
	id := r.EnrolmentID + "|" + r.Date.String()
	m := r.Minutes()
	for range 20 {
		var d attendanceDay
		err := a.days.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			if m > domain.MaxMinutesPerDay {
				return 0, false, nil
			}
			_, err := a.days.InsertOne(ctx, attendanceDay{ID: id, EnrolmentID: r.EnrolmentID, Date: r.Date.String(), Minutes: m, Reports: []string{r.ReportID}, V: 1})
			if mongo.IsDuplicateKeyError(err) {
				continue // another report of the day came first
			}
			return 0, err == nil, err
		case err != nil:
			return 0, false, err
		case slices.Contains(d.Reports, r.ReportID):
			return d.Minutes, true, nil // counted before: redelivered or replayed
		case d.Minutes+m > domain.MaxMinutesPerDay:
			return d.Minutes, false, nil
		}
		res, err := a.days.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "v", Value: d.V}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "minutes", Value: d.Minutes + m}, {Key: "reports", Value: append(d.Reports, r.ReportID)}, {Key: "v", Value: d.V + 1}}}})
		if err != nil {
			return 0, false, err
		}
		if res.MatchedCount == 1 {
			return d.Minutes, true, nil
		}
	}
	return 0, false, rules.ErrConflict
}

func (a *Attendance) dayDocs(ctx context.Context, enrolmentID string) ([]attendanceDay, error) {
	cur, err := a.days.Find(ctx, bson.D{{Key: "enrolmentId", Value: enrolmentID}},
		options.Find().SetSort(bson.D{{Key: "enrolmentId", Value: 1}, {Key: "date", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var out []attendanceDay
	return out, cur.All(ctx, &out)
}

// Minutes is the enrolment's credited attendance.
func (a *Attendance) Minutes(ctx context.Context, enrolmentID string) (int, error) {
	days, err := a.dayDocs(ctx, enrolmentID)
	total := 0
	for _, d := range days {
		total += d.Minutes
	}
	return total, err
}

// Days lists the credited attendance per day, oldest first.
func (a *Attendance) Days(ctx context.Context, enrolmentID string) ([]app.DayHours, error) {
	days, err := a.dayDocs(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	out := make([]app.DayHours, 0, len(days))
	for _, d := range days {
		date, err := civil.ParseDate(d.Date)
		if err != nil {
			return nil, err
		}
		out = append(out, app.DayHours{Date: date, Hours: float64(d.Minutes) / 60, Reports: len(d.Reports)})
	}
	return out, nil
}
