package mongosqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// A change stream reports the inserts into one collection in the order they were committed,
// as MongoDB's does (`collection.Watch`): writes to a database are serialised, and a table's
// rowid grows with every insert and is never reused (AUTOINCREMENT), so "after rowid n" is a
// position that no later commit can fall behind. Only inserts are reported; a stream is for
// insert-only collections such as a commit log. The resume token is the rowid in hex.
type changeStream struct {
	db      *database
	dbName  string
	coll    string
	after   int64
	omit    []string            // top-level fields left out of fullDocument
	filter  bsoncore.Document   // a $match on fullDocument, applied to the stored document
	stages  []bsoncore.Document // further stages, run on each event
	defWait time.Duration
}

// openChangeStream handles `aggregate` with a leading $changeStream stage.
func (s *Server) openChangeStream(ctx context.Context, dbName, coll string, spec bsoncore.Document, rest []bsoncore.Document, batchSize int64) (bson.D, error) {
	db, err := s.db(dbName, true)
	if err != nil {
		return nil, err
	}
	cs := &changeStream{db: db, dbName: dbName, coll: coll, defWait: time.Second}
	elems, err := spec.Elements()
	if err != nil {
		return nil, err
	}
	positioned := false
	for _, e := range elems {
		switch e.Key() {
		case "resumeAfter", "startAfter":
			tok, _ := e.Value().DocumentOK()
			if cs.after, err = parseResumeToken(tok); err != nil {
				return nil, err
			}
			positioned = true
		case "fullDocument":
			// Inserts always carry their document.
		case "startAtOperationTime":
			return nil, mongoError{Code: 286, Name: "ChangeStreamHistoryLost", Msg: "startAtOperationTime is not supported here; resume with a token"}
		default:
			return nil, errUnsupported("$changeStream option " + e.Key())
		}
	}
	for i, st := range rest {
		if f, ok := fullDocumentFilter(st); ok && i == 0 {
			cs.filter = f
			continue
		}
		if omit, ok := fullDocumentExclusion(st); ok {
			cs.omit = append(cs.omit, omit...)
			continue
		}
		cs.stages = append(cs.stages, st)
	}
	if !positioned {
		// A new stream starts at the end: what is committed from now on.
		if cs.after, err = cs.lastPosition(ctx); err != nil {
			return nil, err
		}
	}
	events, _, err := cs.read(ctx, int(batchSize))
	if err != nil {
		return nil, err
	}
	id := s.cursors.add(&cursor{ns: dbName + "." + coll, iter: &sliceIter{}, stream: cs})
	return cs.reply(id, "firstBatch", events), nil
}

// more answers a getMore: the events after the position, waiting up to maxTime for one
// (MongoDB's awaitData) when there are none yet.
func (cs *changeStream) more(ctx context.Context, id int64, batchSize int, maxTime time.Duration) (bson.D, error) {
	if maxTime <= 0 {
		maxTime = cs.defWait
	}
	deadline := time.NewTimer(maxTime)
	defer deadline.Stop()
	for {
		changed := cs.db.changes()
		events, scanned, err := cs.read(ctx, batchSize)
		if err != nil || scanned > 0 {
			return cs.reply(id, "nextBatch", events), err
		}
		select {
		case <-changed:
		case <-deadline.C:
			return cs.reply(id, "nextBatch", nil), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// reply is a cursor's reply with the position after the batch (the resume token a client
// saves when the batch is empty).
func (cs *changeStream) reply(id int64, field string, events []bsoncore.Document) bson.D {
	r := cursorReply(cs.dbName+"."+cs.coll, id, field, events)
	c := r[0].Value.(bson.D)
	r[0].Value = append(c, bson.E{Key: "postBatchResumeToken", Value: resumeToken(cs.after)})
	return r
}

// lastPosition is the rowid of the newest insert (0 when the collection is empty or missing).
func (cs *changeStream) lastPosition(ctx context.Context) (int64, error) {
	c := cs.db.collection(cs.coll)
	if c == nil {
		return 0, nil
	}
	var last sql.NullInt64
	err := cs.db.reader.QueryRowContext(ctx, fmt.Sprintf("SELECT max(rowid) FROM %q", c.table)).Scan(&last)
	return last.Int64, err
}

// read takes up to n events after the position and moves it past the inserts it looked at
// (scanned), which a filter may have left out; it stops early after a while so that a long
// run of filtered inserts is crossed in several replies.
func (cs *changeStream) read(ctx context.Context, n int) ([]bsoncore.Document, int, error) {
	if n <= 0 {
		n = 101
	}
	c := cs.db.collection(cs.coll)
	if c == nil {
		return nil, 0, nil
	}
	began := time.Now()
	var out []bsoncore.Document
	scanned, size := 0, 0
	for len(out) < n && size < batchBytes {
		want := n - len(out)
		rows, err := cs.db.query(ctx, nil, fmt.Sprintf("SELECT rowid, doc FROM %q WHERE rowid > ? ORDER BY rowid LIMIT ?", c.table), cs.after, want)
		if err != nil {
			return nil, scanned, err
		}
		got := 0
		for rows.Next() {
			var rowid int64
			var raw []byte
			if err := rows.Scan(&rowid, &raw); err != nil {
				rows.Close()
				return nil, scanned, err
			}
			got++
			ev, keep, err := cs.event(rowid, raw)
			if err != nil {
				rows.Close()
				return nil, scanned, err
			}
			cs.after = rowid
			scanned++
			if keep {
				out = append(out, ev)
				size += len(ev)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, scanned, err
		}
		if got < want || time.Since(began) > 200*time.Millisecond {
			break // the end of the log, or enough time spent on filtered inserts
		}
	}
	return out, scanned, nil
}

// event is the change document of one insert, after the stream's further stages.
func (cs *changeStream) event(rowid int64, raw []byte) (bsoncore.Document, bool, error) {
	doc := bsoncore.Document(raw)
	if cs.filter != nil {
		ok, err := matches(doc, cs.filter)
		if err != nil || !ok {
			return nil, false, err
		}
	}
	id := doc.Lookup("_id")
	if len(cs.omit) > 0 {
		if trimmed, ok := projectTopLevel(doc, cs.omit, false, false); ok {
			doc = trimmed
		}
	}
	now := time.Now()
	idx, ev := bsoncore.AppendDocumentStart(nil)
	ti, ev := bsoncore.AppendDocumentElementStart(ev, "_id")
	ev = bsoncore.AppendStringElement(ev, "_data", strconv.FormatInt(rowid, 16))
	ev, _ = bsoncore.AppendDocumentEnd(ev, ti)
	ev = bsoncore.AppendStringElement(ev, "operationType", "insert")
	ev = bsoncore.AppendTimestampElement(ev, "clusterTime", uint32(now.Unix()), 1)
	ev = bsoncore.AppendDateTimeElement(ev, "wallTime", now.UnixMilli())
	ev = bsoncore.AppendDocumentElement(ev, "fullDocument", doc)
	ni, ev := bsoncore.AppendDocumentElementStart(ev, "ns")
	ev = bsoncore.AppendStringElement(ev, "db", cs.dbName)
	ev = bsoncore.AppendStringElement(ev, "coll", cs.coll)
	ev, _ = bsoncore.AppendDocumentEnd(ev, ni)
	ki, ev := bsoncore.AppendDocumentElementStart(ev, "documentKey")
	ev = bsoncore.AppendValueElement(ev, "_id", id)
	ev, _ = bsoncore.AppendDocumentEnd(ev, ki)
	ev, _ = bsoncore.AppendDocumentEnd(ev, idx)
	if len(cs.stages) == 0 {
		return ev, true, nil
	}
	docs := []bsoncore.Document{ev}
	for _, st := range cs.stages {
		var err error
		if docs, err = runStage(docs, st); err != nil {
			return nil, false, err
		}
	}
	if len(docs) == 0 {
		return nil, false, nil
	}
	return docs[0], true, nil
}

// fullDocumentFilter recognises {$match: {"fullDocument.f": ...}}: the filter is applied to
// the stored document before an event is made of it.
func fullDocumentFilter(st bsoncore.Document) (bsoncore.Document, bool) {
	elems, ok := stageFields(st, "$match")
	if !ok {
		return nil, false
	}
	idx, out := bsoncore.AppendDocumentStart(nil)
	for _, f := range elems {
		field, ok := strings.CutPrefix(f.Key(), "fullDocument.")
		if !ok || field == "" {
			return nil, false
		}
		out = bsoncore.AppendValueElement(out, field, f.Value())
	}
	out, _ = bsoncore.AppendDocumentEnd(out, idx)
	return out, true
}

// fullDocumentExclusion recognises {$project: {"fullDocument.f": 0, ...}}: the fields are
// left out of the raw document without decoding it.
func fullDocumentExclusion(st bsoncore.Document) ([]string, bool) {
	elems, ok := stageFields(st, "$project")
	if !ok {
		return nil, false
	}
	var omit []string
	for _, f := range elems {
		field, ok := strings.CutPrefix(f.Key(), "fullDocument.")
		if !ok || field == "" || strings.Contains(field, ".") || field == "_id" || truthy(f.Value()) {
			return nil, false
		}
		omit = append(omit, field)
	}
	return omit, true
}

func resumeToken(rowid int64) bson.D {
	return bson.D{{Key: "_data", Value: strconv.FormatInt(rowid, 16)}}
}

func parseResumeToken(tok bsoncore.Document) (int64, error) {
	data, ok := tok.Lookup("_data").StringValueOK()
	if !ok {
		return 0, errors.New("a resume token needs _data")
	}
	n, err := strconv.ParseInt(data, 16, 64)
	if err != nil || n < 0 {
		return 0, mongoError{Code: 260, Name: "InvalidResumeToken", Msg: "resume token was not made by this server"}
	}
	return n, nil
}

// stageFields are the fields of a pipeline stage {op: {...}}, when st is that stage and has some.
func stageFields(st bsoncore.Document, op string) ([]bsoncore.Element, bool) {
	e, err := st.IndexErr(0)
	if err != nil || e.Key() != op {
		return nil, false
	}
	spec, ok := e.Value().DocumentOK()
	if !ok {
		return nil, false
	}
	elems, err := spec.Elements()
	return elems, err == nil && len(elems) > 0
}
