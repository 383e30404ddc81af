package mongosqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// maxDocumentSize is MongoDB's limit for one document.
const maxDocumentSize = 16 << 20

// writeError is one failed statement of a write command, reported per index as MongoDB does.
type writeError struct {
	Index int
	Err   mongoError
}

func asMongoError(err error) mongoError {
	var me mongoError
	if errors.As(err, &me) {
		return me
	}
	var u errUnsupported
	if errors.As(err, &u) {
		return mongoError{Code: 115, Name: "CommandNotSupported", Msg: u.Error()}
	}
	return mongoError{Code: 1, Name: "InternalError", Msg: err.Error()}
}

// insertDoc stores one document inside a write transaction.
func (c *collection) insertDoc(tx *sql.Tx, doc bsoncore.Document) error {
	doc, id, err := ensureID(doc)
	if err != nil {
		return err
	}
	if len(doc) > maxDocumentSize {
		return mongoError{Code: 10334, Name: "BSONObjectTooLarge", Msg: "document is larger than 16 MB"}
	}
	if err := c.noteArrays(tx, arrayPaths(doc, "", nil)); err != nil {
		return err
	}
	_, err = c.db.exec(context.Background(), tx, fmt.Sprintf("INSERT INTO %q (id, doc) VALUES (?, ?)", c.table), keyOf(id), []byte(doc))
	return translateError(err, c, "")
}

// insert stores documents in one transaction; with ordered, it stops at the first failure.
func (d *database) insert(ctx context.Context, coll string, docs []bsoncore.Document, ordered bool) (int, []writeError, error) {
	n := 0
	var failed []writeError
	err := d.write(ctx, func(tx *sql.Tx) error {
		c, _, err := d.ensureCollection(tx, coll)
		if err != nil {
			return err
		}
		for i, doc := range docs {
			if err := c.insertDoc(tx, doc); err != nil {
				var me mongoError
				if !errors.As(err, &me) {
					return err
				}
				failed = append(failed, writeError{Index: i, Err: me})
				if ordered {
					break
				}
				continue
			}
			n++
		}
		return nil
	})
	return n, failed, err
}

// updateSpec is one statement of an update command.
type updateSpec struct {
	filter bsoncore.Document
	update bsoncore.Document
	multi  bool
	upsert bool
}

type updateResult struct {
	matched, modified int
	upsertedID        *bsoncore.Value
}

// update applies one statement inside a write transaction: read the matches, change them
// in Go, write them back. The whole statement is atomic because writes are serialised.
func (c *collection) update(ctx context.Context, tx *sql.Tx, u updateSpec) (updateResult, error) {
	var res updateResult
	q := querySpec{filter: u.filter}
	if !u.multi {
		q.limit = 1
	}
	text, args, exact, sorted := c.selectSQL(q, "rowid, doc")
	rows, err := c.db.query(ctx, tx, text, args...)
	if err != nil {
		return res, err
	}
	type hit struct {
		rowid int64
		doc   bsoncore.Document
	}
	var hits []hit
	for rows.Next() {
		var h hit
		var raw []byte
		if err := rows.Scan(&h.rowid, &raw); err != nil {
			rows.Close()
			return res, err
		}
		h.doc = raw
		if !exact {
			ok, err := matches(h.doc, u.filter)
			if err != nil {
				rows.Close()
				return res, err
			}
			if !ok {
				continue
			}
		}
		hits = append(hits, h)
		if !u.multi && (!exact || !sorted) {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return res, err
	}
	if len(hits) == 0 && u.upsert {
		base, err := upsertBase(u.filter)
		if err != nil {
			return res, err
		}
		doc, err := applyUpdate(base, u.update, true)
		if err != nil {
			return res, err
		}
		raw, err := fromD(doc)
		if err != nil {
			return res, err
		}
		raw, id, err := ensureID(raw)
		if err != nil {
			return res, err
		}
		if err := c.insertDoc(tx, raw); err != nil {
			return res, err
		}
		res.upsertedID = &id
		return res, nil
	}
	for _, h := range hits {
		res.matched++
		raw, fast := setTopLevel(h.doc, u.update)
		if !fast {
			old, err := toD(h.doc)
			if err != nil {
				return res, err
			}
			changed, err := applyUpdate(old, u.update, false)
			if err != nil {
				return res, err
			}
			if raw, err = fromD(changed); err != nil {
				return res, err
			}
		}
		if string(raw) == string(h.doc) {
			continue
		}
		if len(raw) > maxDocumentSize {
			return res, mongoError{Code: 10334, Name: "BSONObjectTooLarge", Msg: "document is larger than 16 MB"}
		}
		if err := c.noteArrays(tx, arrayPaths(raw, "", nil)); err != nil {
			return res, err
		}
		// The _id cannot change (applyUpdate refuses it), so only the document is written.
		if _, err := c.db.exec(ctx, tx, fmt.Sprintf("UPDATE %q SET doc = ? WHERE rowid = ?", c.table), []byte(raw), h.rowid); err != nil {
			return res, translateError(err, c, "")
		}
		res.modified++
	}
	return res, nil
}

// remove deletes the matches of a filter (one or all) inside a write transaction.
func (c *collection) remove(ctx context.Context, tx *sql.Tx, filter bsoncore.Document, limitOne bool) (int, error) {
	q := querySpec{filter: filter}
	if limitOne {
		q.limit = 1
	}
	text, args, exact, _ := c.selectSQL(q, "rowid, doc")
	rows, err := c.db.query(ctx, tx, text, args...)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var rowid int64
		var raw []byte
		if err := rows.Scan(&rowid, &raw); err != nil {
			rows.Close()
			return 0, err
		}
		if !exact {
			ok, err := matches(raw, filter)
			if err != nil {
				rows.Close()
				return 0, err
			}
			if !ok {
				continue
			}
		}
		ids = append(ids, rowid)
		if limitOne {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if _, err := c.db.exec(ctx, tx, fmt.Sprintf("DELETE FROM %q WHERE rowid = ?", c.table), id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
