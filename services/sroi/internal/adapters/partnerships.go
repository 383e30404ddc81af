package adapters

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/convert"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// Partnerships stores the region's partnerships.
type Partnerships struct{ coll *mongo.Collection }

// NewPartnerships uses the partnerships collection.
func NewPartnerships(db *mongo.Database) *Partnerships {
	return &Partnerships{coll: db.Collection("partnerships")}
}

type partnershipDoc struct {
	ID          string              `bson:"_id"`
	Region      string              `bson:"region"`
	Partnership partnershipDocument `bson:"p"`
}

// partnershipDocument is a partnership as it is stored (the field names BSON's defaults gave it).
type partnershipDocument struct {
	ID        string              `bson:"_id"`
	Region    string              `bson:"region"`
	Name      string              `bson:"name"`
	Schemes   []string            `bson:"schemes"`
	Budgets   []financingDocument `bson:"budgets"`
	Projects  []string            `bson:"projects"`
	CreatedBy string              `bson:"createdby"`
	CreatedAt time.Time           `bson:"createdat"`
}

type financingDocument struct {
	BudgetID string `bson:"budgetid"`
	Source   string `bson:"source"`
}

func documentOfPartnership(x app.Partnership) partnershipDocument {
	return partnershipDocument{ID: x.ID, Region: x.Region, Name: x.Name, Schemes: x.Schemes, Projects: x.Projects,
		CreatedBy: x.CreatedBy, CreatedAt: x.CreatedAt,
		Budgets: convert.Each(x.Budgets, func(f app.Financing) financingDocument { return financingDocument(f) })}
}

func (d partnershipDocument) partnership() app.Partnership {
	return app.Partnership{ID: d.ID, Region: d.Region, Name: d.Name, Schemes: d.Schemes, Projects: d.Projects,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt,
		Budgets: convert.Each(d.Budgets, func(f financingDocument) app.Financing { return app.Financing(f) })}
}

func (p *Partnerships) Save(ctx context.Context, x app.Partnership) error {
	id := x.Region + "|" + x.ID
	_, err := p.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, partnershipDoc{ID: id, Region: x.Region, Partnership: documentOfPartnership(x)}, options.Replace().SetUpsert(true))
	return err
}

func (p *Partnerships) Load(ctx context.Context, region, id string) (*app.Partnership, error) {
	var d partnershipDoc
	err := p.coll.FindOne(ctx, bson.D{{Key: "_id", Value: region + "|" + id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, rules.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	x := d.Partnership.partnership()
	return &x, nil
}

func (p *Partnerships) List(ctx context.Context, region string) ([]app.Partnership, error) {
	cur, err := p.coll.Find(ctx, bson.D{{Key: "region", Value: region}}, options.Find().SetLimit(100).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []partnershipDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]app.Partnership, len(docs))
	for i, d := range docs {
		out[i] = d.Partnership.partnership()
	}
	return out, nil
}

// Tranches is the replica of payments' tranches for partnerships' costs: one document per
// tranche, replaced only by a newer version (the event's sequence).
type Tranches struct{ coll *mongo.Collection }

// NewTranches uses the tranches collection.
func NewTranches(db *mongo.Database) *Tranches { return &Tranches{coll: db.Collection("tranches")} }

func (t *Tranches) Keep(ctx context.Context, x app.TrancheCost) error {
	_, err := t.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: x.TrancheID}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: x.Seq}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "budget", Value: x.BudgetID}, {Key: "amount", Value: x.AmountCents}, {Key: "status", Value: x.Status},
			{Key: "seq", Value: x.Seq}}}}, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // a newer version is kept
	}
	return err
}

func (t *Tranches) Sum(ctx context.Context, budgets []string) (map[string]map[string]domain.Cents, error) {
	out := map[string]map[string]domain.Cents{}
	if len(budgets) == 0 {
		return out, nil
	}
	cur, err := t.coll.Find(ctx, bson.D{{Key: "budget", Value: bson.D{{Key: "$in", Value: budgets}}}},
		options.Find().SetProjection(bson.D{{Key: "budget", Value: 1}, {Key: "amount", Value: 1}, {Key: "status", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		Budget string `bson:"budget"`
		Amount int64  `bson:"amount"`
		Status string `bson:"status"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	for _, d := range docs {
		if out[d.Budget] == nil {
			out[d.Budget] = map[string]domain.Cents{}
		}
		out[d.Budget][d.Status] += d.Amount
	}
	return out, nil
}
