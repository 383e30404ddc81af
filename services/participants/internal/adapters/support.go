package adapters

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

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
	ID              string    `bson:"_id"`
	Region          string    `bson:"region"`
	Question        string    `bson:"question"`
	Situation       []string  `bson:"situation"`
	Name            string    `bson:"name"`
	Email           string    `bson:"email"`
	Phone           string    `bson:"phone,omitempty"`
	Municipality    string    `bson:"municipality,omitempty"`
	RetentionMonths int       `bson:"retentionMonths"`
	Status          string    `bson:"status"`
	TokenHash       string    `bson:"tokenHash"`
	SubmittedAt     time.Time `bson:"submittedAt"`
	ConfirmedAt     time.Time `bson:"confirmedAt,omitzero"`
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
	return &domain.SupportRequest{ID: d.ID, Region: d.Region, Question: d.Question, Situation: d.Situation, Name: d.Name, Email: d.Email,
		Phone: d.Phone, Municipality: d.Municipality, RetentionMonths: d.RetentionMonths, Status: d.Status, TokenHash: d.TokenHash,
		SubmittedAt: d.SubmittedAt, ConfirmedAt: d.ConfirmedAt}, nil
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
