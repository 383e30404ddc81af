package adapters

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// buckets per scope: a scope's totals are the sums of this many documents, however many
// projects the region has had; each holds its projects' latest figures, so a project event
// replaces its own entry (a replay or an older version changes nothing).
const buckets = 64

// Summaries keeps the totals of the region, each buyer and each contractor.
type Summaries struct{ coll *mongo.Collection }

// NewSummaries uses the summaries collection.
func NewSummaries(db *mongo.Database) *Summaries { return &Summaries{coll: db.Collection("summaries")} }

type entry struct {
	Version    int                     `bson:"v"`
	Obligation int64                   `bson:"o"`
	Declared   int64                   `bson:"d"`
	Approved   int64                   `bson:"a"`
	Forecast   int64                   `bson:"f"`
	Status     string                  `bson:"s"`
	ByType     map[string]domain.Cents `bson:"t,omitempty"`
	ByQuarter  map[string]domain.Cents `bson:"q,omitempty"`
}

type sums struct {
	Projects   int                     `bson:"projects"`
	Obligation int64                   `bson:"obligation"`
	Declared   int64                   `bson:"declared"`
	Approved   int64                   `bson:"approved"`
	Forecast   int64                   `bson:"forecast"`
	ByStatus   map[string]int          `bson:"byStatus"`
	ByType     map[string]domain.Cents `bson:"byType"`
	ByQuarter  map[string]domain.Cents `bson:"byQuarter"`
}

type summaryDoc struct {
	ID       string           `bson:"_id"`
	Region   string           `bson:"region"`
	Scope    string           `bson:"scope"`
	Rev      int              `bson:"rev"`
	Projects map[string]entry `bson:"projects"`
	Sums     sums             `bson:"sums"`
}

func bucketOf(projectID string) int {
	h := fnv.New32a()
	h.Write([]byte(projectID))
	return int(h.Sum32() % buckets)
}

func (s *Summaries) Apply(ctx context.Context, p app.ProjectData) error {
	e := entry{Version: p.Version, Obligation: p.ObligationCents, Declared: p.DeclaredCents, Approved: p.ApprovedCents, Forecast: p.ForecastCents,
		Status: string(p.Status), ByType: p.ApprovedByType, ByQuarter: p.ApprovedByQuarter}
	for _, scope := range app.ScopesOf(p) {
		id := fmt.Sprintf("%s|%s|%02d", p.Region, scope, bucketOf(p.ProjectID))
		if err := optimistic.Retry(ctx, func() error { return s.put(ctx, id, p.Region, scope, p.ProjectID, e) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Summaries) put(ctx context.Context, id, region, scope, project string, e entry) error {
	var d summaryDoc
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		d = summaryDoc{ID: id, Region: region, Scope: scope, Projects: map[string]entry{}}
	case err != nil:
		return err
	}
	if old, ok := d.Projects[project]; ok && old.Version >= e.Version {
		return nil // this version or a newer one counts already
	}
	d.Projects[project] = e
	d.Sums = sumOf(d.Projects)
	d.Rev++
	if d.Rev == 1 {
		if _, err := s.coll.InsertOne(ctx, d); mongo.IsDuplicateKeyError(err) {
			return rules.ErrConflict
		} else {
			return err
		}
	}
	res, err := s.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: d.Rev - 1}}, d)
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return rules.ErrConflict
	}
	return nil
}

func sumOf(projects map[string]entry) sums {
	out := sums{ByStatus: map[string]int{}, ByType: map[string]domain.Cents{}, ByQuarter: map[string]domain.Cents{}}
	for _, e := range projects {
		out.Projects++
		out.Obligation += e.Obligation
		out.Declared += e.Declared
		out.Approved += e.Approved
		out.Forecast += e.Forecast
		out.ByStatus[e.Status]++
		for k, v := range e.ByType {
			out.ByType[k] += v
		}
		for k, v := range e.ByQuarter {
			out.ByQuarter[k] += v
		}
	}
	return out
}

func (s *Summaries) Totals(ctx context.Context, region, scope string) (app.Totals, error) {
	cur, err := s.coll.Find(ctx, bson.D{{Key: "region", Value: region}, {Key: "scope", Value: scope}},
		options.Find().SetProjection(bson.D{{Key: "sums", Value: 1}}))
	if err != nil {
		return app.Totals{}, err
	}
	var docs []summaryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return app.Totals{}, err
	}
	t := app.Totals{ByStatus: map[string]int{}, ByQuarter: map[string]domain.Cents{}, ByType: map[string]domain.Cents{}}
	for _, d := range docs {
		t.Projects += d.Sums.Projects
		t.ObligationCents += d.Sums.Obligation
		t.DeclaredCents += d.Sums.Declared
		t.ApprovedCents += d.Sums.Approved
		t.ForecastCents += d.Sums.Forecast
		for k, v := range d.Sums.ByStatus {
			t.ByStatus[k] += v
		}
		for k, v := range d.Sums.ByType {
			t.ByType[k] += v
		}
		for k, v := range d.Sums.ByQuarter {
			t.ByQuarter[k] += v
		}
	}
	return t, nil
}
