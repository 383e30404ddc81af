package adapters

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/app"
)

// Placements is the replica of the platform's placements, by enrolment.
type Placements struct{ coll *mongo.Collection }

// NewPlacements uses the placements collection.
func NewPlacements(db *mongo.Database) *Placements {
	return &Placements{coll: db.Collection("placements")}
}

type placementDoc struct {
	ID            string   `bson:"_id"`
	Region        string   `bson:"region"`
	ParticipantID string   `bson:"participantId"`
	SchemeID      string   `bson:"schemeId"`
	Person        string   `bson:"person"`
	EmployerKvK   string   `bson:"employerKvk"`
	StartDate     string   `bson:"startDate"`
	EndDate       string   `bson:"endDate,omitempty"`
	HoursPerWeek  float64  `bson:"hoursPerWeek"`
	ContractType  string   `bson:"contractType"`
	TargetGroups  []string `bson:"targetGroups"`
	Sustainable   bool     `bson:"sustainable"`
	Anonymous     bool     `bson:"anonymous,omitempty"`
}

func (p *Placements) Keep(ctx context.Context, pl app.Placement) error {
	doc := placementDoc{ID: pl.EnrolmentID, Region: pl.Region, ParticipantID: pl.ParticipantID, SchemeID: pl.SchemeID, Person: pl.Person, EmployerKvK: pl.EmployerKvK,
		StartDate: day(pl.StartDate), EndDate: day(pl.EndDate), HoursPerWeek: pl.HoursPerWeek, ContractType: pl.ContractType,
		TargetGroups: pl.TargetGroups, Sustainable: pl.Sustainable, Anonymous: pl.Anonymous}
	_, err := p.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc, options.Replace().SetUpsert(true))
	return err
}

func (p *Placements) Load(ctx context.Context, enrolmentID string) (*app.Placement, error) {
	var d placementDoc
	err := p.coll.FindOne(ctx, bson.D{{Key: "_id", Value: enrolmentID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	out := placementOf(d)
	return &out, nil
}

func placementOf(d placementDoc) app.Placement {
	start, _ := civil.ParseDate(d.StartDate)
	end, _ := civil.ParseDate(d.EndDate)
	return app.Placement{EnrolmentID: d.ID, Region: d.Region, ParticipantID: d.ParticipantID, SchemeID: d.SchemeID, Person: d.Person, EmployerKvK: d.EmployerKvK,
		StartDate: start, EndDate: end, HoursPerWeek: d.HoursPerWeek, ContractType: d.ContractType, TargetGroups: d.TargetGroups, Sustainable: d.Sustainable,
		Anonymous: d.Anonymous}
}

func (p *Placements) OfSchemes(ctx context.Context, region string, schemes []string) ([]app.Placement, error) {
	if len(schemes) == 0 {
		return nil, nil
	}
	cur, err := p.coll.Find(ctx, bson.D{{Key: "region", Value: region}, {Key: "schemeId", Value: bson.D{{Key: "$in", Value: schemes}}}})
	if err != nil {
		return nil, err
	}
	var docs []placementDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.Placement, len(docs))
	for i, d := range docs {
		out[i] = placementOf(d)
	}
	return out, nil
}

func (p *Placements) Unsustainable(ctx context.Context, enrolmentID string) error {
	_, err := p.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: enrolmentID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "sustainable", Value: false}}}})
	return err
}

// People counts each person once per region towards the jobs goals: the earliest day in
// work wins, whichever source (a platform placement, an approved SROI candidate) came first.
type People struct{ coll *mongo.Collection }

// NewPeople uses the people collection.
func NewPeople(db *mongo.Database) *People { return &People{coll: db.Collection("people")} }

func (p *People) Count(ctx context.Context, region, person string, on civil.Date, source string) error {
	_, err := p.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: region + "|" + person}},
		bson.D{{Key: "$min", Value: bson.D{{Key: "on", Value: on.String()}}},
			{Key: "$setOnInsert", Value: bson.D{{Key: "region", Value: region}, {Key: "source", Value: source}}}},
		options.UpdateOne().SetUpsert(true))
	return err
}

func (p *People) FirstDays(ctx context.Context, region string, from, until civil.Date) ([]civil.Date, error) {
	cur, err := p.coll.Find(ctx, bson.D{{Key: "region", Value: region}, {Key: "on", Value: bson.D{{Key: "$gte", Value: from.String()}, {Key: "$lte", Value: until.String()}}}},
		options.Find().SetProjection(bson.D{{Key: "on", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		On string `bson:"on"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]civil.Date, 0, len(docs))
	for _, d := range docs {
		if t, err := civil.ParseDate(d.On); err == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// Goals stores the region's jobs goals.
type Goals struct{ coll *mongo.Collection }

// NewGoals uses the goals collection.
func NewGoals(db *mongo.Database) *Goals { return &Goals{coll: db.Collection("goals")} }

type goalDoc struct {
	ID        string    `bson:"_id"`
	Region    string    `bson:"region"`
	Name      string    `bson:"name"`
	Target    int       `bson:"target"`
	From      string    `bson:"from"`
	Deadline  string    `bson:"deadline"`
	CreatedBy string    `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (g *Goals) Save(ctx context.Context, goal app.Goal) error {
	d := goalDoc{ID: goal.Region + "|" + goal.ID, Region: goal.Region, Name: goal.Name, Target: goal.Target, From: goal.From.String(),
		Deadline: goal.Deadline.String(), CreatedBy: goal.CreatedBy, CreatedAt: goal.CreatedAt}
	_, err := g.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	return err
}

func goalOf(d goalDoc) app.Goal {
	out := app.Goal{ID: d.ID[len(d.Region)+1:], Region: d.Region, Name: d.Name, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	out.Target = d.Target
	out.From, _ = civil.ParseDate(d.From)
	out.Deadline, _ = civil.ParseDate(d.Deadline)
	return out
}

func (g *Goals) Load(ctx context.Context, region, id string) (*app.Goal, error) {
	var d goalDoc
	err := g.coll.FindOne(ctx, bson.D{{Key: "_id", Value: region + "|" + id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	out := goalOf(d)
	return &out, nil
}

func (g *Goals) List(ctx context.Context, region string) ([]app.Goal, error) {
	cur, err := g.coll.Find(ctx, bson.D{{Key: "region", Value: region}}, options.Find().SetLimit(100).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []goalDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.Goal, len(docs))
	for i, d := range docs {
		out[i] = goalOf(d)
	}
	return out, nil
}

// Notifications keeps notifications by cause until they are sent.
type Notifications struct{ coll *mongo.Collection }

// NewNotifications uses the notifications collection.
func NewNotifications(db *mongo.Database) *Notifications {
	return &Notifications{coll: db.Collection("notifications")}
}

type notificationDoc struct {
	ID        string   `bson:"_id"`
	Region    string   `bson:"region"`
	ProjectID string   `bson:"projectId"`
	To        []string `bson:"to"`
	Subject   string   `bson:"subject"`
	Body      string   `bson:"body"`
	// the subject and paragraphs by their codes, said in Dutch when the e-mail is sent
	Title      messageDoc   `bson:"title,omitempty"`
	Paragraphs []messageDoc `bson:"paragraphs,omitempty"`
	Link       string       `bson:"link,omitempty"`
	At         time.Time    `bson:"at"`
	Status     string       `bson:"status"`
	Attempts   int          `bson:"attempts"`
	RetryAt    time.Time    `bson:"retryAt"`
	SentAt     time.Time    `bson:"sentAt,omitempty"`
	Error      string       `bson:"error,omitempty"`
}

func (n *Notifications) Record(ctx context.Context, x app.Notification) (bool, error) {
	_, err := n.coll.InsertOne(ctx, notificationDoc{ID: x.Cause, Region: x.Region, ProjectID: x.ProjectID, To: x.To, Subject: x.Subject,
		Body: x.Body, Title: messageDocOf(x.Title), Paragraphs: convert.Each(x.Paragraphs, messageDocOf), Link: x.Link,
		At: x.At, Status: "pending", RetryAt: x.RetryAt})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, err
}

func (n *Notifications) Due(ctx context.Context, now time.Time, limit int) ([]app.Notification, error) {
	cur, err := n.coll.Find(ctx, bson.D{{Key: "status", Value: "pending"}, {Key: "retryAt", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "retryAt", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []notificationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.Notification, len(docs))
	for i, d := range docs {
		out[i] = app.Notification{Cause: d.ID, Region: d.Region, ProjectID: d.ProjectID, To: d.To, Subject: d.Subject, Body: d.Body, At: d.At,
			Title: d.Title.message(), Paragraphs: convert.Each(d.Paragraphs, messageDoc.message), Link: d.Link,
			Status: d.Status, Attempts: d.Attempts, RetryAt: d.RetryAt}
	}
	return out, nil
}

func (n *Notifications) Sent(ctx context.Context, cause string, at time.Time) error {
	_, err := n.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: cause}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "sent"}, {Key: "sentAt", Value: at.UTC()}}}})
	return err
}

func (n *Notifications) Unaddressed(ctx context.Context, cause string, at time.Time) error {
	_, err := n.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: cause}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "unaddressed"}, {Key: "sentAt", Value: at.UTC()}}}})
	return err
}

func (n *Notifications) Readdress(ctx context.Context, projectID string, since time.Time) (int, error) {
	res, err := n.coll.UpdateMany(ctx, bson.D{{Key: "projectId", Value: projectID}, {Key: "status", Value: "unaddressed"}, {Key: "at", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "pending"}, {Key: "retryAt", Value: since.UTC()}}}})
	if err != nil {
		return 0, err
	}
	return int(res.ModifiedCount), nil
}

func (n *Notifications) Failed(ctx context.Context, cause, reason string, retryAt time.Time) error {
	_, err := n.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: cause}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "error", Value: reason}, {Key: "retryAt", Value: retryAt.UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}})
	return err
}

// Evidence keeps documents, one per document id (at most 10 MB: within a document's limit).
type Evidence struct{ coll *mongo.Collection }

// NewEvidence uses the evidence collection.
func NewEvidence(db *mongo.Database) *Evidence { return &Evidence{coll: db.Collection("evidence")} }

func (e *Evidence) Put(ctx context.Context, id string, content []byte) error {
	_, err := e.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "_id", Value: id}, {Key: "content", Value: content}},
		options.Replace().SetUpsert(true))
	return err
}

func (e *Evidence) Get(ctx context.Context, id string) ([]byte, error) {
	var d struct {
		Content []byte `bson:"content"`
	}
	err := e.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	return d.Content, err
}

// messageDoc is a message as it is stored: its code, parameters and English template.
type messageDoc struct {
	Code     string   `bson:"code"`
	Params   []string `bson:"params,omitempty"`
	Template string   `bson:"template"`
}

func messageDocOf(m messages.Message) messageDoc { return messageDoc(m) }

func (d messageDoc) message() messages.Message { return messages.Message(d) }
