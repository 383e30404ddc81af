package mongosqlite_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// args are an operation's arguments.
type args struct {
	Filter         bson.D   `bson:"filter"`
	Update         any      `bson:"update"`
	Replacement    bson.D   `bson:"replacement"`
	Document       bson.D   `bson:"document"`
	Documents      []bson.D `bson:"documents"`
	Sort           bson.D   `bson:"sort"`
	Projection     bson.D   `bson:"projection"`
	Limit          *int64   `bson:"limit"`
	Skip           *int64   `bson:"skip"`
	BatchSize      *int32   `bson:"batchSize"`
	Upsert         *bool    `bson:"upsert"`
	ReturnDocument string   `bson:"returnDocument"`
	Pipeline       bson.A   `bson:"pipeline"`
	Keys           bson.D   `bson:"keys"`
	Unique         *bool    `bson:"unique"`
	Name           string   `bson:"name"`
	Requests       []bson.D `bson:"requests"`
	Ordered        *bool    `bson:"ordered"`
	FieldName      string   `bson:"fieldName"`
	Collection     string   `bson:"collection"`
	ResumeAfter    bson.Raw `bson:"resumeAfter"`
	FullDocument   string   `bson:"fullDocument"`
	Rest           bson.M   `bson:",inline"`
}

func (e *entities) perform(ctx context.Context, op operation) (any, error) {
	var a args
	if len(op.Arguments) > 0 {
		if err := bson.Unmarshal(op.Arguments, &a); err != nil {
			return nil, err
		}
	}
	for k := range a.Rest { // an option the runner does not pass on (collation, hint, let, ...)
		return nil, fmt.Errorf("%w: argument %s", errNotClaimed, k)
	}
	if s, ok := e.streams[op.Object]; ok {
		return e.iterate(ctx, s, op.Name)
	}
	if db, ok := e.databases[op.Object]; ok {
		switch op.Name {
		case "createCollection":
			return nil, db.CreateCollection(ctx, a.Collection)
		case "dropCollection":
			return nil, db.Collection(a.Collection).Drop(ctx)
		}
		return nil, fmt.Errorf("%w: database operation %s", errNotClaimed, op.Name)
	}
	coll, ok := e.collections[op.Object]
	if !ok {
		return nil, fmt.Errorf("%w: entity %s", errNotClaimed, op.Object)
	}
	return e.collectionOp(ctx, coll, op, a)
}

func (e *entities) collectionOp(ctx context.Context, coll *mongo.Collection, op operation, a args) (any, error) {
	filter := a.Filter
	if filter == nil {
		filter = bson.D{}
	}
	switch op.Name {
	case "insertOne":
		r, err := coll.InsertOne(ctx, a.Document)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "insertedId", Value: r.InsertedID}}, nil
	case "insertMany":
		docs := make([]any, len(a.Documents))
		for i := range a.Documents {
			docs[i] = a.Documents[i]
		}
		o := options.InsertMany()
		if a.Ordered != nil {
			o.SetOrdered(*a.Ordered)
		}
		r, err := coll.InsertMany(ctx, docs, o)
		if err != nil {
			return nil, err
		}
		ids := bson.D{}
		for i, id := range r.InsertedIDs {
			ids = append(ids, bson.E{Key: strconv.Itoa(i), Value: id})
		}
		return bson.D{{Key: "insertedIds", Value: ids}}, nil
	case "find":
		o := options.Find()
		if a.Sort != nil {
			o.SetSort(a.Sort)
		}
		if a.Projection != nil {
			o.SetProjection(a.Projection)
		}
		if a.Limit != nil {
			o.SetLimit(*a.Limit)
		}
		if a.Skip != nil {
			o.SetSkip(*a.Skip)
		}
		if a.BatchSize != nil {
			o.SetBatchSize(*a.BatchSize)
		}
		return docsOf(coll.Find(ctx, filter, o))
	case "countDocuments":
		o := options.Count()
		if a.Limit != nil {
			o.SetLimit(*a.Limit)
		}
		if a.Skip != nil {
			o.SetSkip(*a.Skip)
		}
		return coll.CountDocuments(ctx, filter, o)
	case "estimatedDocumentCount":
		return coll.EstimatedDocumentCount(ctx)
	case "aggregate":
		return docsOf(coll.Aggregate(ctx, a.Pipeline))
	case "updateOne", "updateMany", "replaceOne":
		if a.Sort != nil {
			return nil, fmt.Errorf("%w: sort on %s (MongoDB 8.0)", errNotClaimed, op.Name)
		}
		return e.update(ctx, coll, op.Name, filter, a)
	case "deleteOne", "deleteMany":
		var r *mongo.DeleteResult
		var err error
		if op.Name == "deleteOne" {
			r, err = coll.DeleteOne(ctx, filter)
		} else {
			r, err = coll.DeleteMany(ctx, filter)
		}
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "deletedCount", Value: r.DeletedCount}}, nil
	case "findOneAndUpdate", "findOneAndReplace", "findOneAndDelete":
		return findOneAnd(ctx, coll, op.Name, filter, a)
	case "bulkWrite":
		return bulkWrite(ctx, coll, a)
	case "createIndex":
		o := options.Index()
		if a.Name != "" {
			o.SetName(a.Name)
		}
		if a.Unique != nil {
			o.SetUnique(*a.Unique)
		}
		name, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: a.Keys, Options: o})
		return name, err
	case "createChangeStream":
		o := options.ChangeStream()
		if a.ResumeAfter != nil {
			o.SetResumeAfter(a.ResumeAfter)
		}
		if a.FullDocument != "" {
			o.SetFullDocument(options.FullDocument(a.FullDocument))
		}
		pipeline := a.Pipeline
		if pipeline == nil {
			pipeline = bson.A{}
		}
		s, err := coll.Watch(ctx, pipeline, o)
		if err != nil {
			return nil, err
		}
		e.streams[op.SaveResultAs] = s
		return nil, nil
	}
	return nil, fmt.Errorf("%w: collection operation %s", errNotClaimed, op.Name)
}

func (e *entities) update(ctx context.Context, coll *mongo.Collection, name string, filter bson.D, a args) (any, error) {
	var r *mongo.UpdateResult
	var err error
	switch name {
	case "updateOne":
		o := options.UpdateOne()
		if a.Upsert != nil {
			o.SetUpsert(*a.Upsert)
		}
		r, err = coll.UpdateOne(ctx, filter, a.Update, o)
	case "updateMany":
		o := options.UpdateMany()
		if a.Upsert != nil {
			o.SetUpsert(*a.Upsert)
		}
		r, err = coll.UpdateMany(ctx, filter, a.Update, o)
	default:
		o := options.Replace()
		if a.Upsert != nil {
			o.SetUpsert(*a.Upsert)
		}
		r, err = coll.ReplaceOne(ctx, filter, a.Replacement, o)
	}
	if err != nil {
		return nil, err
	}
	return updateResult(r), nil
}

func updateResult(r *mongo.UpdateResult) bson.D {
	d := bson.D{{Key: "matchedCount", Value: r.MatchedCount}, {Key: "modifiedCount", Value: r.ModifiedCount}, {Key: "upsertedCount", Value: r.UpsertedCount}}
	if r.UpsertedID != nil {
		d = append(d, bson.E{Key: "upsertedId", Value: r.UpsertedID})
	}
	return d
}

func findOneAnd(ctx context.Context, coll *mongo.Collection, name string, filter bson.D, a args) (any, error) {
	var res *mongo.SingleResult
	after := a.ReturnDocument == "After"
	switch name {
	case "findOneAndUpdate":
		o := options.FindOneAndUpdate()
		if a.Sort != nil {
			o.SetSort(a.Sort)
		}
		if a.Projection != nil {
			o.SetProjection(a.Projection)
		}
		if a.Upsert != nil {
			o.SetUpsert(*a.Upsert)
		}
		if after {
			o.SetReturnDocument(options.After)
		}
		res = coll.FindOneAndUpdate(ctx, filter, a.Update, o)
	case "findOneAndReplace":
		o := options.FindOneAndReplace()
		if a.Sort != nil {
			o.SetSort(a.Sort)
		}
		if a.Projection != nil {
			o.SetProjection(a.Projection)
		}
		if a.Upsert != nil {
			o.SetUpsert(*a.Upsert)
		}
		if after {
			o.SetReturnDocument(options.After)
		}
		res = coll.FindOneAndReplace(ctx, filter, a.Replacement, o)
	default:
		o := options.FindOneAndDelete()
		if a.Sort != nil {
			o.SetSort(a.Sort)
		}
		if a.Projection != nil {
			o.SetProjection(a.Projection)
		}
		res = coll.FindOneAndDelete(ctx, filter, o)
	}
	var doc bson.D
	if err := res.Decode(&doc); errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return doc, nil
}

func bulkWrite(ctx context.Context, coll *mongo.Collection, a args) (any, error) {
	var models []mongo.WriteModel
	for _, req := range a.Requests {
		if len(req) != 1 {
			return nil, fmt.Errorf("a request is one model: %v", req)
		}
		raw, err := bson.Marshal(req[0].Value)
		if err != nil {
			return nil, err
		}
		var m args
		if err := bson.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		for k := range m.Rest {
			return nil, fmt.Errorf("%w: bulk argument %s", errNotClaimed, k)
		}
		if m.Sort != nil {
			return nil, fmt.Errorf("%w: bulk argument sort", errNotClaimed)
		}
		switch req[0].Key {
		case "insertOne":
			models = append(models, mongo.NewInsertOneModel().SetDocument(m.Document))
		case "updateOne":
			u := mongo.NewUpdateOneModel().SetFilter(m.Filter).SetUpdate(m.Update)
			if m.Upsert != nil {
				u.SetUpsert(*m.Upsert)
			}
			models = append(models, u)
		case "updateMany":
			u := mongo.NewUpdateManyModel().SetFilter(m.Filter).SetUpdate(m.Update)
			if m.Upsert != nil {
				u.SetUpsert(*m.Upsert)
			}
			models = append(models, u)
		case "replaceOne":
			u := mongo.NewReplaceOneModel().SetFilter(m.Filter).SetReplacement(m.Replacement)
			if m.Upsert != nil {
				u.SetUpsert(*m.Upsert)
			}
			models = append(models, u)
		case "deleteOne":
			models = append(models, mongo.NewDeleteOneModel().SetFilter(m.Filter))
		case "deleteMany":
			models = append(models, mongo.NewDeleteManyModel().SetFilter(m.Filter))
		default:
			return nil, fmt.Errorf("%w: bulk model %s", errNotClaimed, req[0].Key)
		}
	}
	o := options.BulkWrite()
	if a.Ordered != nil {
		o.SetOrdered(*a.Ordered)
	}
	r, err := coll.BulkWrite(ctx, models, o)
	if err != nil {
		return nil, err
	}
	upserted := bson.D{}
	for i, id := range r.UpsertedIDs {
		upserted = append(upserted, bson.E{Key: strconv.FormatInt(i, 10), Value: id})
	}
	return bson.D{{Key: "deletedCount", Value: r.DeletedCount}, {Key: "insertedCount", Value: r.InsertedCount},
		{Key: "matchedCount", Value: r.MatchedCount}, {Key: "modifiedCount", Value: r.ModifiedCount}, {Key: "upsertedCount", Value: r.UpsertedCount},
		{Key: "upsertedIds", Value: upserted}}, nil
}

// iterate reads a change stream: the next event, or (iterateOnce) nothing when none is there.
func (e *entities) iterate(ctx context.Context, s *mongo.ChangeStream, name string) (any, error) {
	switch name {
	case "iterateUntilDocumentOrError":
		if s.Next(ctx) {
			var d bson.D
			return d, bson.Unmarshal(s.Current, &d)
		}
		return nil, s.Err()
	case "iterateOnce":
		s.TryNext(ctx)
		return nil, s.Err()
	case "close":
		return nil, s.Close(ctx)
	}
	return nil, fmt.Errorf("%w: change stream operation %s", errNotClaimed, name)
}

func docsOf(cur *mongo.Cursor, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	var docs []bson.D
	if err := cur.All(context.Background(), &docs); err != nil {
		return nil, err
	}
	out := bson.A{}
	for _, d := range docs {
		out = append(out, d)
	}
	return out, nil
}
