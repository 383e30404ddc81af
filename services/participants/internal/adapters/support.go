package adapters

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

const supportRequests = "supportRequests"

// SupportRequests keeps the RMT's requests, one document each; an unconfirmed one is
// removed whole when its link expires.
type SupportRequests struct{ coll *mongo.Collection }

// NewSupportRequests uses the supportRequests collection.
func NewSupportRequests(db *mongo.Database) *SupportRequests {
	return &SupportRequests{coll: db.Collection(supportRequests)}
}

var _ app.SupportRequests = (*SupportRequests)(nil)

type supportRequestDoc struct {
	ID              string        `bson:"_id"`
	Region          string        `bson:"region"`
	Question        string        `bson:"question"`
	Situation       []string      `bson:"situation"`
	Name            string        `bson:"name"`
	Email           string        `bson:"email"`
	Phone           string        `bson:"phone,omitempty"`
	Municipality    string        `bson:"municipality,omitempty"`
	RetentionMonths int           `bson:"retentionMonths"`
	Status          string        `bson:"status"`
	TokenHash       string        `bson:"tokenHash"`
	SubmittedAt     time.Time     `bson:"submittedAt"`
	ConfirmedAt     time.Time     `bson:"confirmedAt,omitzero"`
	Adviser         string        `bson:"adviser,omitempty"`
	AdviserOrg      string        `bson:"adviserOrg,omitempty"`
	PickedUpAt      time.Time     `bson:"pickedUpAt,omitzero"`
	Advice          []adviceDoc   `bson:"advice,omitempty"`
	Referrals       []referralDoc `bson:"referrals,omitempty"`
	Outcome         string        `bson:"outcome,omitempty"`
	ClosedAt        time.Time     `bson:"closedAt,omitzero"`
	Version         int           `bson:"version"`
}

type adviceDoc struct {
	At       time.Time `bson:"at"`
	By       string    `bson:"by"`
	Category string    `bson:"category"`
	Note     string    `bson:"note"`
}

type referralDoc struct {
	ID      string    `bson:"id"`
	Partner string    `bson:"partner"`
	At      time.Time `bson:"at"`
	By      string    `bson:"by"`
}

func (d supportRequestDoc) request() *domain.SupportRequest {
	return &domain.SupportRequest{ID: d.ID, Region: d.Region, Question: d.Question, Situation: d.Situation, Name: d.Name, Email: d.Email,
		Phone: d.Phone, Municipality: d.Municipality, RetentionMonths: d.RetentionMonths, Status: d.Status, TokenHash: d.TokenHash,
		SubmittedAt: d.SubmittedAt, ConfirmedAt: d.ConfirmedAt, Adviser: d.Adviser, AdviserOrg: d.AdviserOrg, PickedUpAt: d.PickedUpAt,
		Advice: convert.Each(d.Advice, func(a adviceDoc) domain.Advice {
			return domain.Advice{At: a.At, By: a.By, Category: a.Category, Note: a.Note}
		}),
		Referrals: convert.Each(d.Referrals, func(x referralDoc) domain.Referral {
			return domain.Referral{ID: x.ID, Partner: x.Partner, At: x.At, By: x.By}
		}),
		Outcome: d.Outcome, ClosedAt: d.ClosedAt, Version: d.Version}
}

func (s *SupportRequests) Add(ctx context.Context, r *domain.SupportRequest) error {
	_, err := s.coll.InsertOne(ctx, supportRequestDoc{ID: r.ID, Region: r.Region, Question: r.Question, Situation: r.Situation, Name: r.Name,
		Email: r.Email, Phone: r.Phone, Municipality: r.Municipality, RetentionMonths: r.RetentionMonths, Status: r.Status,
		TokenHash: r.TokenHash, SubmittedAt: r.SubmittedAt})
	return err
}

func (s *SupportRequests) SubmittedSince(ctx context.Context, since time.Time) (int64, error) {
	return s.coll.CountDocuments(ctx, bson.D{{Key: "submittedAt", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}})
}

func (s *SupportRequests) ByTokenHash(ctx context.Context, hash string) (*domain.SupportRequest, error) {
	var d supportRequestDoc
	err := s.coll.FindOne(ctx, bson.D{{Key: "tokenHash", Value: hash}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return d.request(), nil
}

func (s *SupportRequests) Load(ctx context.Context, id string) (*domain.SupportRequest, error) {
	var d supportRequestDoc
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return d.request(), nil
}

// List pages by the moment each was confirmed (then its id): the longest waiting first,
// the cursor the last one shown.
func (s *SupportRequests) List(ctx context.Context, status string, page paging.Request) (paging.Page[domain.SupportRequest], error) {
	filter := bson.D{{Key: "status", Value: status}}
	if page.After != "" {
		at, id, ok := strings.Cut(page.After, "~")
		ns, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			return paging.Page[domain.SupportRequest]{}, rules.BadQuery("after", "is not a cursor of this list")
		}
		t := time.Unix(0, ns).UTC()
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "confirmedAt", Value: bson.D{{Key: "$gt", Value: t}}}},
			bson.D{{Key: "confirmedAt", Value: t}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: id}}}}}})
	}
	limit := page.Limit
	if limit <= 0 {
		limit = 50
	}
	cur, err := s.coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "confirmedAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return paging.Page[domain.SupportRequest]{}, err
	}
	var docs []supportRequestDoc
	if err := cur.All(ctx, &docs); err != nil {
		return paging.Page[domain.SupportRequest]{}, err
	}
	out := paging.Page[domain.SupportRequest]{Items: []domain.SupportRequest{}}
	for i, d := range docs {
		if i == limit {
			last := docs[i-1]
			out.Next = strconv.FormatInt(last.ConfirmedAt.UnixNano(), 10) + "~" + last.ID
			break
		}
		out.Items = append(out.Items, *d.request())
	}
	return out, nil
}

// PickedUp records the adviser on a request still open; one another adviser took first is
// a conflict.
func (s *SupportRequests) PickedUp(ctx context.Context, r *domain.SupportRequest) error {
	res, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "status", Value: domain.RequestOpen}}, bson.D{{Key: "status", Value: domain.RequestInProgress}, {Key: "adviser", Value: r.Adviser}}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: r.Status}, {Key: "adviser", Value: r.Adviser}, {Key: "adviserOrg", Value: r.AdviserOrg},
			{Key: "pickedUpAt", Value: r.PickedUpAt}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return rules.ErrConflict
	}
	return nil
}

func (s *SupportRequests) Confirm(ctx context.Context, id string, at time.Time) error {
	_, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: domain.RequestUnconfirmed}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: domain.RequestOpen}, {Key: "confirmedAt", Value: at.UTC()}}}})
	return err
}

func (s *SupportRequests) EraseUnconfirmed(ctx context.Context, before time.Time) (int, error) {
	res, err := s.coll.DeleteMany(ctx, bson.D{{Key: "status", Value: domain.RequestUnconfirmed}, {Key: "submittedAt", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}

func (s *SupportRequests) Save(ctx context.Context, r *domain.SupportRequest) error {
	res, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: r.Status}, {Key: "outcome", Value: r.Outcome}, {Key: "closedAt", Value: r.ClosedAt},
		{Key: "advice", Value: convert.Each(r.Advice, func(a domain.Advice) adviceDoc {
			return adviceDoc{At: a.At, By: a.By, Category: a.Category, Note: a.Note}
		})},
		{Key: "referrals", Value: convert.Each(r.Referrals, func(x domain.Referral) referralDoc {
			return referralDoc{ID: x.ID, Partner: x.Partner, At: x.At, By: x.By}
		})},
		{Key: "version", Value: r.Version + 1}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return rules.ErrConflict
	}
	r.Version++
	return nil
}
