package mongosqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// command runs one command and returns its reply document.
func (s *Server) command(connID int64, dbName string, body bsoncore.Document, seqs []docSequence) bsoncore.Document {
	first, err := body.IndexErr(0)
	if err != nil {
		return errorDoc(mongoError{Code: 9, Name: "FailedToParse", Msg: "empty command"})
	}
	name := first.Key()
	if v, err := body.LookupErr("startTransaction"); err == nil && truthy(v) {
		return errorDoc(mongoError{Code: 20, Name: "IllegalOperation", Msg: "Transaction numbers are only allowed on a replica set member or mongos"})
	}
	ctx, cancel := background()
	defer cancel()
	reply, err := s.run(ctx, connID, dbName, strings.ToLower(name), first.Value(), body, seqs)
	if err != nil {
		return errorDoc(asMongoError(err))
	}
	return mustMarshal(append(reply, bson.E{Key: "ok", Value: 1.0}))
}

func (s *Server) run(ctx context.Context, connID int64, dbName, name string, arg bsoncore.Value, body bsoncore.Document, seqs []docSequence) (bson.D, error) {
	switch name {
	case "hello", "ismaster":
		d := bson.D{{Key: "ismaster", Value: true}}
		if name == "hello" {
			d = bson.D{{Key: "isWritablePrimary", Value: true}}
		}
		return append(d,
			bson.E{Key: "helloOk", Value: true},
			bson.E{Key: "maxBsonObjectSize", Value: int32(maxDocumentSize)},
			bson.E{Key: "maxMessageSizeBytes", Value: int32(maxMessageSize)},
			bson.E{Key: "maxWriteBatchSize", Value: int32(100000)},
			bson.E{Key: "localTime", Value: bson.NewDateTimeFromTime(time.Now())},
			bson.E{Key: "logicalSessionTimeoutMinutes", Value: int32(30)},
			bson.E{Key: "connectionId", Value: int32(connID)},
			bson.E{Key: "minWireVersion", Value: int32(0)},
			bson.E{Key: "maxWireVersion", Value: int32(21)},
			bson.E{Key: "readOnly", Value: false},
		), nil
	case "ping", "endsessions", "killallsessions", "killsessions", "refreshsessions", "whatsmyuri", "getlasterror", "getparameter":
		return bson.D{}, nil
	case "buildinfo":
		return bson.D{{Key: "version", Value: "7.0.0"}, {Key: "versionArray", Value: bson.A{int32(7), int32(0), int32(0), int32(0)}},
			{Key: "gitVersion", Value: "mongosqlite"}, {Key: "bits", Value: int32(64)}, {Key: "maxBsonObjectSize", Value: int32(maxDocumentSize)}}, nil
	case "connectionstatus":
		return bson.D{{Key: "authInfo", Value: bson.D{{Key: "authenticatedUsers", Value: bson.A{}}, {Key: "authenticatedUserRoles", Value: bson.A{}}}}}, nil
	case "serverstatus":
		return bson.D{{Key: "host", Value: "mongosqlite"}, {Key: "version", Value: "7.0.0"}, {Key: "uptime", Value: time.Since(s.started).Seconds()},
			{Key: "metrics", Value: bson.D{{Key: "document", Value: bson.D{
				{Key: "examined", Value: examined.docs.Load()}, {Key: "bytesExamined", Value: examined.bytes.Load()}}}}}}, nil
	case "listdatabases":
		return s.listDatabases()
	case "dropdatabase":
		return bson.D{}, s.dropDatabase(dbName)
	case "committransaction", "aborttransaction":
		return nil, mongoError{Code: 20, Name: "IllegalOperation", Msg: "Transaction numbers are only allowed on a replica set member or mongos"}
	}
	collName, _ := arg.StringValueOK()
	switch name {
	case "insert":
		return s.insertCmd(ctx, dbName, collName, body, seqs)
	case "update":
		return s.updateCmd(ctx, dbName, collName, body, seqs)
	case "delete":
		return s.deleteCmd(ctx, dbName, collName, body, seqs)
	case "find":
		return s.findCmd(ctx, dbName, collName, body)
	case "getmore":
		return s.getMoreCmd(ctx, body)
	case "killcursors":
		return s.killCursorsCmd(body)
	case "count":
		return s.countCmd(ctx, dbName, collName, body)
	case "aggregate":
		return s.aggregateCmd(ctx, dbName, collName, body)
	case "findandmodify":
		return s.findAndModifyCmd(ctx, dbName, collName, body)
	case "distinct":
		return s.distinctCmd(ctx, dbName, collName, body)
	case "explain":
		return s.explainCmd(ctx, dbName, arg)
	case "create":
		return s.createCmd(ctx, dbName, collName)
	case "drop":
		return s.dropCmd(ctx, dbName, collName)
	case "createindexes":
		return s.createIndexesCmd(ctx, dbName, collName, body)
	case "listindexes":
		return s.listIndexesCmd(dbName, collName)
	case "dropindexes", "deleteindexes":
		return s.dropIndexesCmd(ctx, dbName, collName, body)
	case "listcollections":
		return s.listCollectionsCmd(dbName, body)
	}
	return nil, mongoError{Code: 59, Name: "CommandNotFound", Msg: fmt.Sprintf("no such command: '%s'", name)}
}

// docsOf reads a write command's statements from a document sequence or an inline array.
func docsOf(body bsoncore.Document, seqs []docSequence, field string) ([]bsoncore.Document, error) {
	for _, s := range seqs {
		if s.id == field {
			return s.docs, nil
		}
	}
	v, err := body.LookupErr(field)
	if err != nil {
		return nil, nil
	}
	docs, err := documentArray(v, field)
	var shape errShape
	if errors.As(err, &shape) {
		return nil, mongoError{Code: 14, Name: "TypeMismatch", Msg: string(shape)}
	}
	return docs, err
}

// errShape: a value is not the array of documents a command or operator takes.
type errShape string

func (e errShape) Error() string { return string(e) }

// documentArray reads v as an array of documents.
func documentArray(v bsoncore.Value, name string) ([]bsoncore.Document, error) {
	arr, ok := v.ArrayOK()
	if !ok {
		return nil, errShape(name + " must be an array")
	}
	vals, err := arr.Values()
	if err != nil {
		return nil, err
	}
	out := make([]bsoncore.Document, len(vals))
	for i, x := range vals {
		d, ok := x.DocumentOK()
		if !ok {
			return nil, errShape(name + " entries must be documents")
		}
		out[i] = d
	}
	return out, nil
}

func boolField(d bsoncore.Document, key string, def bool) bool {
	v, err := d.LookupErr(key)
	if err != nil {
		return def
	}
	return truthy(v)
}

func intField(d bsoncore.Document, key string) int64 {
	v, err := d.LookupErr(key)
	if err != nil {
		return 0
	}
	n, _ := v.AsInt64OK()
	return n
}

func docField(d bsoncore.Document, key string) bsoncore.Document {
	v, err := d.LookupErr(key)
	if err != nil {
		return nil
	}
	doc, _ := v.DocumentOK()
	return doc
}

// writeReply is a write command's answer: its counts and, if any, the statements that failed.
func writeReply(reply bson.D, errs []writeError) (bson.D, error) {
	if len(errs) == 0 {
		return reply, nil
	}
	out := bson.A{}
	for _, e := range errs {
		out = append(out, bson.D{{Key: "index", Value: int32(e.Index)}, {Key: "code", Value: e.Err.Code}, {Key: "errmsg", Value: e.Err.Msg}})
	}
	return append(reply, bson.E{Key: "writeErrors", Value: out}), nil
}

func (s *Server) insertCmd(ctx context.Context, dbName, coll string, body bsoncore.Document, seqs []docSequence) (bson.D, error) {
	docs, err := docsOf(body, seqs, "documents")
	if err != nil {
		return nil, err
	}
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	n, failed, err := db.insert(ctx, coll, docs, boolField(body, "ordered", true))
	if err != nil {
		return nil, err
	}
	return writeReply(bson.D{{Key: "n", Value: int32(n)}}, failed)
}

func (s *Server) updateCmd(ctx context.Context, dbName, coll string, body bsoncore.Document, seqs []docSequence) (bson.D, error) {
	stmts, err := docsOf(body, seqs, "updates")
	if err != nil {
		return nil, err
	}
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	ordered := boolField(body, "ordered", true)
	matched, modified := 0, 0
	upserted := bson.A{}
	var failed []writeError
	err = db.write(ctx, func(tx *sql.Tx) error {
		c, _, err := db.ensureCollection(tx, coll)
		if err != nil {
			return err
		}
		for i, st := range stmts {
			u := updateSpec{filter: docField(st, "q"), update: docField(st, "u"), multi: boolField(st, "multi", false), upsert: boolField(st, "upsert", false)}
			if u.update == nil {
				if _, err := st.LookupErr("u"); err == nil {
					failed = append(failed, writeError{Index: i, Err: mongoError{Code: 9, Name: "FailedToParse", Msg: "pipeline updates are not supported"}})
					if ordered {
						break
					}
					continue
				}
			}
			if _, err := tx.ExecContext(ctx, "SAVEPOINT stmt"); err != nil {
				return err
			}
			res, err := c.update(ctx, tx, u)
			if err != nil {
				if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO stmt"); rerr != nil {
					return rerr
				}
				_, _ = tx.ExecContext(ctx, "RELEASE stmt")
				var me mongoError
				if !errors.As(err, &me) {
					var unsupported errUnsupported
					if !errors.As(err, &unsupported) {
						return err
					}
					me = asMongoError(err)
				}
				failed = append(failed, writeError{Index: i, Err: me})
				if ordered {
					break
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "RELEASE stmt"); err != nil {
				return err
			}
			matched += res.matched
			modified += res.modified
			if res.upsertedID != nil {
				matched++
				id, _ := valueOf(*res.upsertedID)
				upserted = append(upserted, bson.D{{Key: "index", Value: int32(i)}, {Key: "_id", Value: id}})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	reply := bson.D{{Key: "n", Value: int32(matched)}, {Key: "nModified", Value: int32(modified)}}
	if len(upserted) > 0 {
		reply = append(reply, bson.E{Key: "upserted", Value: upserted})
	}
	return writeReply(reply, failed)
}

func (s *Server) deleteCmd(ctx context.Context, dbName, coll string, body bsoncore.Document, seqs []docSequence) (bson.D, error) {
	stmts, err := docsOf(body, seqs, "deletes")
	if err != nil {
		return nil, err
	}
	db, err := s.db(dbName, false)
	if err != nil || db == nil {
		return bson.D{{Key: "n", Value: int32(0)}}, err
	}
	n := 0
	var failed []writeError
	err = db.write(ctx, func(tx *sql.Tx) error {
		c := db.collection(coll)
		if c == nil {
			return nil
		}
		for i, st := range stmts {
			k, err := c.remove(ctx, tx, docField(st, "q"), intField(st, "limit") == 1)
			if err != nil {
				var unsupported errUnsupported
				if errors.As(err, &unsupported) {
					failed = append(failed, writeError{Index: i, Err: asMongoError(err)})
					continue
				}
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return writeReply(bson.D{{Key: "n", Value: int32(n)}}, failed)
}

// openCursor answers the first batch of a result and keeps the rest for getMore.
func (s *Server) openCursor(ns string, iter docIter, shape func(bsoncore.Document) (bsoncore.Document, error), batchSize int64, single bool) (bson.D, error) {
	c := &cursor{ns: ns, iter: iter, shape: shape}
	n := int(batchSize)
	if n <= 0 {
		n = 101
	}
	docs, done, err := c.batch(n)
	if err != nil {
		return nil, err
	}
	var id int64
	if !done && !single {
		id = s.cursors.add(c)
	} else if !done {
		iter.Close()
	}
	return cursorReply(ns, id, "firstBatch", docs), nil
}

func cursorReply(ns string, id int64, field string, docs []bsoncore.Document) bson.D {
	batch := make(bson.A, len(docs))
	for i, d := range docs {
		batch[i] = bson.Raw(d)
	}
	return bson.D{{Key: "cursor", Value: bson.D{{Key: field, Value: batch}, {Key: "id", Value: id}, {Key: "ns", Value: ns}}}}
}

func (s *Server) findCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	ns := dbName + "." + coll
	q := querySpec{filter: docField(body, "filter"), sort: docField(body, "sort"), skip: intField(body, "skip"), limit: intField(body, "limit")}
	single := boolField(body, "singleBatch", false)
	if q.limit < 0 {
		q.limit, single = -q.limit, true
	}
	db, err := s.db(dbName, false)
	if err != nil {
		return nil, err
	}
	var c *collection
	if db != nil {
		c = db.collection(coll)
	}
	if c == nil {
		return cursorReply(ns, 0, "firstBatch", nil), nil
	}
	// The cursor may outlive this command: its rows must not end with the command's context.
	iter, err := c.find(context.WithoutCancel(ctx), nil, q)
	if err != nil {
		return nil, err
	}
	var shape func(bsoncore.Document) (bsoncore.Document, error)
	if p := docField(body, "projection"); len(p) > 5 {
		shape = func(d bsoncore.Document) (bsoncore.Document, error) { return project(d, p) }
	}
	batchSize := intField(body, "batchSize")
	if q.limit > 0 && (batchSize <= 0 || batchSize > q.limit) {
		batchSize = q.limit
	}
	return s.openCursor(ns, iter, shape, batchSize, single)
}

func (s *Server) getMoreCmd(ctx context.Context, body bsoncore.Document) (bson.D, error) {
	id := intField(body, "getMore")
	c := s.cursors.get(id)
	if c == nil {
		return nil, mongoError{Code: 43, Name: "CursorNotFound", Msg: fmt.Sprintf("cursor id %d not found", id)}
	}
	if c.stream != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.lastUsed.Store(time.Now().UnixNano())
		return c.stream.more(ctx, id, int(intField(body, "batchSize")), time.Duration(intField(body, "maxTimeMS"))*time.Millisecond)
	}
	docs, done, err := c.batch(int(intField(body, "batchSize")))
	if err != nil {
		s.cursors.remove(id)
		return nil, err
	}
	if done {
		s.cursors.remove(id)
		id = 0
	}
	return cursorReply(c.ns, id, "nextBatch", docs), nil
}

func (s *Server) killCursorsCmd(body bsoncore.Document) (bson.D, error) {
	killed, missing := bson.A{}, bson.A{}
	if arr, ok := body.Lookup("cursors").ArrayOK(); ok {
		vals, _ := arr.Values()
		for _, v := range vals {
			id, _ := v.AsInt64OK()
			if s.cursors.remove(id) {
				killed = append(killed, id)
			} else {
				missing = append(missing, id)
			}
		}
	}
	return bson.D{{Key: "cursorsKilled", Value: killed}, {Key: "cursorsNotFound", Value: missing},
		{Key: "cursorsAlive", Value: bson.A{}}, {Key: "cursorsUnknown", Value: bson.A{}}}, nil
}

func (s *Server) collectionOf(dbName, coll string) (*collection, error) {
	db, err := s.db(dbName, false)
	if err != nil || db == nil {
		return nil, err
	}
	return db.collection(coll), nil
}

func (s *Server) countCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	var n int64
	if c != nil {
		n, err = c.count(ctx, querySpec{filter: docField(body, "query"), skip: intField(body, "skip"), limit: intField(body, "limit")})
		if err != nil {
			return nil, err
		}
	}
	return bson.D{{Key: "n", Value: n}}, nil
}

func (s *Server) distinctCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	key, _ := body.Lookup("key").StringValueOK()
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	values := bson.A{}
	if c != nil {
		it, err := c.find(ctx, nil, querySpec{filter: docField(body, "query")})
		if err != nil {
			return nil, err
		}
		defer it.Close()
		var seen []any
		for {
			d, err := it.Next()
			if err != nil {
				return nil, err
			}
			if d == nil {
				break
			}
			vals, _ := resolve(d, key)
			for _, v := range vals {
				if v.Type == bsoncore.TypeArray {
					continue
				}
				k := keyOf(v)
				dup := false
				for _, x := range seen {
					if compareKeys(x, k) == 0 && sameClass(x, k) {
						dup = true
					}
				}
				if !dup {
					seen = append(seen, k)
					gv, _ := valueOf(v)
					values = append(values, gv)
				}
			}
		}
	}
	return bson.D{{Key: "values", Value: values}}, nil
}

func (s *Server) findAndModifyCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	query, sortSpec := docField(body, "query"), docField(body, "sort")
	remove, returnNew, upsert := boolField(body, "remove", false), boolField(body, "new", false), boolField(body, "upsert", false)
	update := docField(body, "update")
	if _, err := body.LookupErr("update"); err == nil && update == nil {
		return nil, mongoError{Code: 9, Name: "FailedToParse", Msg: "pipeline updates are not supported"}
	}
	fields := docField(body, "fields")
	var value any
	lastError := bson.D{{Key: "n", Value: int32(0)}}
	err = db.write(ctx, func(tx *sql.Tx) error {
		c, _, err := db.ensureCollection(tx, coll)
		if err != nil {
			return err
		}
		it, err := c.find(ctx, tx, querySpec{filter: query, sort: sortSpec, limit: 1})
		if err != nil {
			return err
		}
		old, err := it.Next()
		if old != nil {
			old = append(bsoncore.Document(nil), old...)
		}
		it.Close()
		if err != nil {
			return err
		}
		var result bsoncore.Document
		switch {
		case remove:
			if old != nil {
				id := old.Lookup("_id")
				filter := bsoncore.NewDocumentBuilder().AppendValue("_id", id).Build()
				if _, err := c.remove(ctx, tx, filter, true); err != nil {
					return err
				}
				result = old
				lastError = bson.D{{Key: "n", Value: int32(1)}}
			}
		case old != nil:
			id := old.Lookup("_id")
			filter := bsoncore.NewDocumentBuilder().AppendValue("_id", id).Build()
			if _, err := c.update(ctx, tx, updateSpec{filter: filter, update: update}); err != nil {
				return err
			}
			result = old
			if returnNew {
				it, err := c.find(ctx, tx, querySpec{filter: filter, limit: 1})
				if err != nil {
					return err
				}
				result, err = it.Next()
				if result != nil {
					result = append(bsoncore.Document(nil), result...)
				}
				it.Close()
				if err != nil {
					return err
				}
			}
			lastError = bson.D{{Key: "n", Value: int32(1)}, {Key: "updatedExisting", Value: true}}
		case upsert:
			res, err := c.update(ctx, tx, updateSpec{filter: query, update: update, upsert: true})
			if err != nil {
				return err
			}
			id, _ := valueOf(*res.upsertedID)
			lastError = bson.D{{Key: "n", Value: int32(1)}, {Key: "updatedExisting", Value: false}, {Key: "upserted", Value: id}}
			if returnNew {
				filter := bsoncore.NewDocumentBuilder().AppendValue("_id", *res.upsertedID).Build()
				it, err := c.find(ctx, tx, querySpec{filter: filter, limit: 1})
				if err != nil {
					return err
				}
				result, err = it.Next()
				if result != nil {
					result = append(bsoncore.Document(nil), result...)
				}
				it.Close()
				if err != nil {
					return err
				}
			}
		}
		if result != nil {
			if len(fields) > 5 {
				if result, err = project(result, fields); err != nil {
					return err
				}
			}
			value = bson.Raw(result)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bson.D{{Key: "lastErrorObject", Value: lastError}, {Key: "value", Value: value}}, nil
}

func (s *Server) createCmd(ctx context.Context, dbName, coll string) (bson.D, error) {
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	return bson.D{}, db.write(ctx, func(tx *sql.Tx) error {
		_, created, err := db.ensureCollection(tx, coll)
		if err == nil && !created {
			return mongoError{Code: 48, Name: "NamespaceExists", Msg: "Collection " + dbName + "." + coll + " already exists."}
		}
		return err
	})
}

func (s *Server) dropCmd(ctx context.Context, dbName, coll string) (bson.D, error) {
	db, err := s.db(dbName, false)
	if err != nil {
		return nil, err
	}
	notFound := mongoError{Code: 26, Name: "NamespaceNotFound", Msg: "ns not found"}
	if db == nil {
		return nil, notFound
	}
	c := db.collection(coll)
	if c == nil {
		return nil, notFound
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		db.reads.reset()
		db.writes.reset()
		if _, err := tx.Exec(fmt.Sprintf("DROP TABLE %q", c.table)); err != nil {
			return err
		}
		_, err := tx.Exec("DELETE FROM _collections WHERE name = ?", coll)
		return err
	})
	if err == nil {
		db.forget(coll)
	}
	return bson.D{{Key: "ns", Value: dbName + "." + coll}}, err
}

func (s *Server) createIndexesCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	specs, err := docsOf(body, nil, "indexes")
	if err != nil {
		return nil, err
	}
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	var before, after int
	var createdColl bool
	err = db.write(ctx, func(tx *sql.Tx) error {
		c, created, err := db.ensureCollection(tx, coll)
		if err != nil {
			return err
		}
		createdColl = created
		before = len(c.indexList())
		for _, sp := range specs {
			spec, err := parseIndexSpec(sp)
			if err != nil {
				return err
			}
			if _, err := c.createIndex(tx, spec); err != nil {
				return err
			}
		}
		after = len(c.indexList())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return bson.D{{Key: "createdCollectionAutomatically", Value: createdColl}, {Key: "numIndexesBefore", Value: int32(before)}, {Key: "numIndexesAfter", Value: int32(after)}}, nil
}

// parseIndexSpec accepts ascending and descending keys; other index kinds and options that
// change semantics (sparse, partial, TTL, collation) are refused rather than ignored.
func parseIndexSpec(sp bsoncore.Document) (indexSpec, error) {
	spec := indexSpec{}
	spec.Name, _ = sp.Lookup("name").StringValueOK()
	spec.Unique = boolField(sp, "unique", false)
	keys := docField(sp, "key")
	elems, err := keys.Elements()
	if err != nil || len(elems) == 0 {
		return spec, mongoError{Code: 67, Name: "CannotCreateIndex", Msg: "index key is missing"}
	}
	var names []string
	for _, e := range elems {
		n, ok := e.Value().AsInt64OK()
		if !ok || (n != 1 && n != -1) {
			return spec, errUnsupported(fmt.Sprintf("index type %v on %s", e.Value(), e.Key()))
		}
		spec.Keys = append(spec.Keys, indexKey{Path: e.Key(), Desc: n < 0})
		names = append(names, fmt.Sprintf("%s_%d", e.Key(), n))
	}
	for _, opt := range []string{"sparse", "partialFilterExpression", "expireAfterSeconds", "collation", "hidden"} {
		if _, err := sp.LookupErr(opt); err == nil {
			return spec, errUnsupported("index option " + opt)
		}
	}
	if spec.Name == "" {
		spec.Name = strings.Join(names, "_")
	}
	return spec, nil
}

func (s *Server) listIndexesCmd(dbName, coll string) (bson.D, error) {
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, mongoError{Code: 26, Name: "NamespaceNotFound", Msg: "ns does not exist: " + dbName + "." + coll}
	}
	var docs []bsoncore.Document
	for _, ix := range c.indexList() {
		key := bson.D{}
		for _, k := range ix.Keys {
			dir := int32(1)
			if k.Desc {
				dir = -1
			}
			key = append(key, bson.E{Key: k.Path, Value: dir})
		}
		d := bson.D{{Key: "v", Value: int32(2)}, {Key: "key", Value: key}, {Key: "name", Value: ix.Name}}
		if ix.Unique && ix.Name != "_id_" {
			d = append(d, bson.E{Key: "unique", Value: true})
		}
		docs = append(docs, mustMarshal(d))
	}
	return cursorReply(dbName+"."+coll, 0, "firstBatch", docs), nil
}

func (s *Server) dropIndexesCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, mongoError{Code: 26, Name: "NamespaceNotFound", Msg: "ns not found"}
	}
	name, _ := body.Lookup("index").StringValueOK()
	before := len(c.indexList())
	err = c.db.write(ctx, func(tx *sql.Tx) error {
		if name != "*" {
			return c.dropIndex(tx, name)
		}
		for _, ix := range c.indexList() {
			if ix.Name != "_id_" {
				if err := c.dropIndex(tx, ix.Name); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return bson.D{{Key: "nIndexesWas", Value: int32(before)}}, err
}

func (s *Server) listCollectionsCmd(dbName string, body bsoncore.Document) (bson.D, error) {
	db, err := s.db(dbName, false)
	if err != nil {
		return nil, err
	}
	filter := docField(body, "filter")
	var docs []bsoncore.Document
	if db != nil {
		for _, n := range db.collectionNames() {
			d := mustMarshal(bson.D{{Key: "name", Value: n}, {Key: "type", Value: "collection"}, {Key: "options", Value: bson.D{}},
				{Key: "info", Value: bson.D{{Key: "readOnly", Value: false}}},
				{Key: "idIndex", Value: bson.D{{Key: "v", Value: int32(2)}, {Key: "key", Value: bson.D{{Key: "_id", Value: int32(1)}}}, {Key: "name", Value: "_id_"}}}})
			if len(filter) > 5 {
				ok, err := matches(d, filter)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			if boolField(body, "nameOnly", false) {
				d = mustMarshal(bson.D{{Key: "name", Value: n}, {Key: "type", Value: "collection"}})
			}
			docs = append(docs, d)
		}
	}
	return cursorReply(dbName+".$cmd.listCollections", 0, "firstBatch", docs), nil
}

func (s *Server) listDatabases() (bson.D, error) {
	dbs := bson.A{}
	var total int64
	for _, n := range s.databaseNames() {
		var size int64
		if st, err := os.Stat(s.dir + "/" + n + ".sqlite"); err == nil {
			size = st.Size()
		}
		total += size
		dbs = append(dbs, bson.D{{Key: "name", Value: n}, {Key: "sizeOnDisk", Value: size}, {Key: "empty", Value: size == 0}})
	}
	return bson.D{{Key: "databases", Value: dbs}, {Key: "totalSize", Value: total}}, nil
}

// explainCmd answers explain for find, count and aggregate (its leading $match and $sort):
// stage IXSCAN when SQLite answers from an index, COLLSCAN when it scans the table.
func (s *Server) explainCmd(ctx context.Context, dbName string, arg bsoncore.Value) (bson.D, error) {
	inner, ok := arg.DocumentOK()
	if !ok {
		return nil, mongoError{Code: 9, Name: "FailedToParse", Msg: "explain needs a command document"}
	}
	first, err := inner.IndexErr(0)
	if err != nil {
		return nil, err
	}
	coll, _ := first.Value().StringValueOK()
	var q querySpec
	switch strings.ToLower(first.Key()) {
	case "find":
		q = querySpec{filter: docField(inner, "filter"), sort: docField(inner, "sort"), skip: intField(inner, "skip"), limit: intField(inner, "limit")}
	case "count":
		q = querySpec{filter: docField(inner, "query")}
	case "aggregate":
		stages, _ := docsOf(inner, nil, "pipeline")
		q, _ = leadingQuery(stages)
	default:
		return nil, errUnsupported("explain of " + first.Key())
	}
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	stage, details, text := "EOF", []string{}, ""
	if c != nil {
		if stage, details, text, err = c.explainPlan(ctx, q); err != nil {
			return nil, err
		}
	}
	plan := bson.D{{Key: "stage", Value: stage}}
	for _, d := range details {
		if strings.Contains(d, "TEMP B-TREE") || d == "sorted in Go" {
			plan = bson.D{{Key: "stage", Value: "SORT"}, {Key: "inputStage", Value: plan}}
			break
		}
	}
	plan = append(plan, bson.E{Key: "sql", Value: text}, bson.E{Key: "details", Value: details})
	return bson.D{{Key: "queryPlanner", Value: bson.D{{Key: "namespace", Value: dbName + "." + coll}, {Key: "winningPlan", Value: plan}}}}, nil
}
