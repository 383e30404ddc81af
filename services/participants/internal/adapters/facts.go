package adapters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/participants/internal/app"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// Indexes of the fact collections (FerretDB scans regardless; MongoDB uses them).
var Indexes = []store.Index{
	{Collection: "seats", Model: mongo.IndexModel{Keys: bson.D{{Key: "start", Value: 1}}}},
	{Collection: "attendance", Model: mongo.IndexModel{Keys: bson.D{{Key: "enrolmentId", Value: 1}}}},
	{Collection: attendanceDays, Model: mongo.IndexModel{Keys: bson.D{{Key: "enrolmentId", Value: 1}, {Key: "date", Value: 1}}}},
	{Collection: supportRequests, Model: mongo.IndexModel{Keys: bson.D{{Key: "tokenHash", Value: 1}}, Options: options.Index().SetUnique(true)}},
	{Collection: supportRequests, Model: mongo.IndexModel{Keys: bson.D{{Key: "submittedAt", Value: 1}}}},
	{Collection: supportRequests, Model: mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "submittedAt", Value: 1}}}},
	{Collection: supportRequests, Model: mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "confirmedAt", Value: 1}, {Key: "_id", Value: 1}}}},
}

// Seats are one document per place: _id = start|n. Inserting a taken place fails on the
// duplicate key, so two enrolments for the last place cannot both get it.
type Seats struct{ coll *mongo.Collection }

// NewSeats uses the "seats" collection.
func NewSeats(db *mongo.Database) *Seats { return &Seats{coll: db.Collection("seats")} }

type seatDoc struct {
	ID          string    `bson:"_id"`
	Start       string    `bson:"start"`
	N           int       `bson:"n"`
	EnrolmentID string    `bson:"enrolmentId"`
	ClaimedAt   time.Time `bson:"claimedAt"`
}

// Claim takes the lowest free place, or returns the place the enrolment holds already (a
// retried enrolment does not take a second one).
func (s *Seats) Claim(ctx context.Context, start string, capacity int, enrolmentID string, now time.Time) (int, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "start", Value: start}})
	if err != nil {
		return 0, err
	}
	var taken []seatDoc
	if err := cur.All(ctx, &taken); err != nil {
		return 0, err
	}
	used := map[int]bool{}
	for _, d := range taken {
		if d.EnrolmentID == enrolmentID {
			return d.N, nil
		}
		used[d.N] = true
	}
	for n := 1; n <= capacity; n++ {
		if used[n] {
			continue
		}
		ok, err := store.InsertFact(ctx, s.coll, seatDoc{ID: fmt.Sprintf("%s|%d", start, n), Start: start, N: n, EnrolmentID: enrolmentID, ClaimedAt: now.UTC()})
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
		var d seatDoc // someone else was quicker, unless it was this enrolment's own retry
		if err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s|%d", start, n)}}).Decode(&d); err == nil && d.EnrolmentID == enrolmentID {
			return n, nil
		}
	}
	return 0, app.ErrNoSeat
}

// Holders lists the places of a start and who holds them.
func (s *Seats) Holders(ctx context.Context, start string) ([]app.SeatHolder, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "start", Value: start}})
	if err != nil {
		return nil, err
	}
	var docs []seatDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.SeatHolder, len(docs))
	for i, d := range docs {
		out[i] = app.SeatHolder{N: d.N, EnrolmentID: d.EnrolmentID, ClaimedAt: d.ClaimedAt}
	}
	return out, nil
}

// Reclaim hands a place over only while the orphan still holds it: two enrolments that
// find the same orphan cannot both get its place.
func (s *Seats) Reclaim(ctx context.Context, start string, n int, orphan, enrolmentID string, now time.Time) (bool, error) {
	id := fmt.Sprintf("%s|%d", start, n)
	res, err := s.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "enrolmentId", Value: orphan}},
		seatDoc{ID: id, Start: start, N: n, EnrolmentID: enrolmentID, ClaimedAt: now.UTC()})
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

// Release frees the enrolment's place.
func (s *Seats) Release(ctx context.Context, start, enrolmentID string) error {
	_, err := s.coll.DeleteMany(ctx, bson.D{{Key: "start", Value: start}, {Key: "enrolmentId", Value: enrolmentID}})
	return err
}

// Identities map a BSN's keyed hash to its participant: _id = hash, so one per region.
type Identities struct{ coll *mongo.Collection }

// NewIdentities uses the "identities" collection.
func NewIdentities(db *mongo.Database) *Identities {
	return &Identities{coll: db.Collection("identities")}
}

type identityDoc struct {
	ID            string `bson:"_id"`
	ParticipantID string `bson:"participantId"`
}

func (i *Identities) Claim(ctx context.Context, lookup, id string) (string, error) {
	ok, err := store.InsertFact(ctx, i.coll, identityDoc{ID: lookup, ParticipantID: id})
	if err != nil || ok {
		return id, err
	}
	return i.Find(ctx, lookup)
}

func (i *Identities) Forget(ctx context.Context, lookup, id string) error {
	_, err := i.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: lookup}, {Key: "participantId", Value: id}})
	return err
}

func (i *Identities) Find(ctx context.Context, lookup string) (string, error) {
	var d identityDoc
	err := i.coll.FindOne(ctx, bson.D{{Key: "_id", Value: lookup}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", rules.ErrNotFound
	}
	return d.ParticipantID, err
}

// Offers is the replica of the providers' offers: one document per contract holding the
// newest revision. A stale revision does not match the filter, and its upsert then fails
// on the duplicate _id: it is ignored.
type Offers struct{ coll *mongo.Collection }

// NewOffers uses the "offers" collection.
func NewOffers(db *mongo.Database) *Offers { return &Offers{coll: db.Collection("offers")} }

type offerDoc struct {
	ID       string `bson:"_id"`
	Revision int    `bson:"revision"`
	Region   string `bson:"region"`
	Offer    string `bson:"offer"`
}

func (o *Offers) SaveOffer(ctx context.Context, offer domain.Offer) (bool, error) {
	raw, err := json.Marshal(documentOfOffer(offer))
	if err != nil {
		return false, err
	}
	doc := offerDoc{ID: offer.ContractID, Revision: offer.Revision, Region: offer.Region, Offer: string(raw)}
	_, err = o.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: offer.ContractID}, {Key: "revision", Value: bson.D{{Key: "$lt", Value: offer.Revision}}}},
		doc, options.Replace().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	return err == nil, err
}

func (o *Offers) LoadOffer(ctx context.Context, contractID string) (*domain.Offer, error) {
	var d offerDoc
	err := o.coll.FindOne(ctx, bson.D{{Key: "_id", Value: contractID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var doc offerDocument
	if err := json.Unmarshal([]byte(d.Offer), &doc); err != nil {
		return nil, err
	}
	offer := doc.offer()
	return &offer, nil
}
