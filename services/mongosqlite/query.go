package mongosqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// querySpec is what find, count, delete, update and an aggregation's leading stages ask of
// a collection.
type querySpec struct {
	filter bsoncore.Document
	sort   bsoncore.Document
	skip   int64
	limit  int64 // 0: no limit
}

// docIter yields documents; Next returns nil at the end.
type docIter interface {
	Next() (bsoncore.Document, error)
	Close()
}

type sliceIter struct {
	docs []bsoncore.Document
	i    int
}

func (s *sliceIter) Next() (bsoncore.Document, error) {
	if s.i >= len(s.docs) {
		return nil, nil
	}
	s.i++
	return s.docs[s.i-1], nil
}

func (s *sliceIter) Close() {}

// examined counts the documents and bytes queries read from SQLite: what serverStatus
// reports, so that a benchmark can show how much a request made the store read.
var examined struct {
	docs, bytes atomic.Int64
}

// rowIter streams rows from SQLite, filtering in Go what SQL could not decide.
type rowIter struct {
	rows   *sql.Rows
	filter bsoncore.Document // nil when the SQL conditions were exact
	skip   int64
	limit  int64
	seen   int64
	err    error
}

func (r *rowIter) Next() (bsoncore.Document, error) {
	for {
		if r.rows == nil || (r.limit > 0 && r.seen >= r.limit) {
			r.Close()
			return nil, r.err
		}
		if !r.rows.Next() {
			r.err = r.rows.Err()
			r.Close()
			return nil, r.err
		}
		var raw []byte
		if err := r.rows.Scan(&raw); err != nil {
			r.Close()
			return nil, err
		}
		doc := bsoncore.Document(raw)
		examined.docs.Add(1)
		examined.bytes.Add(int64(len(raw)))
		if r.filter != nil {
			ok, err := matches(doc, r.filter)
			if err != nil {
				r.Close()
				return nil, err
			}
			if !ok {
				continue
			}
		}
		if r.skip > 0 {
			r.skip--
			continue
		}
		r.seen++
		return doc, nil
	}
}

func (r *rowIter) Close() {
	if r.rows != nil {
		_ = r.rows.Close()
		r.rows = nil
	}
}

// selectSQL builds the statement for a query and tells what is left for Go to do.
func (c *collection) selectSQL(q querySpec, columns string) (text string, args []any, exact, sorted bool) {
	p := c.planFilter(q.filter)
	order, sorted := c.planSort(q.sort, p.fixed)
	text = fmt.Sprintf("SELECT %s FROM %q%s", columns, c.table, p.where())
	args = p.args
	if sorted {
		text += order
	}
	if p.exact && sorted && (q.limit > 0 || q.skip > 0) {
		lim := q.limit
		if lim <= 0 {
			lim = -1
		}
		text += " LIMIT ? OFFSET ?"
		args = append(args, lim, q.skip)
	}
	return text, args, p.exact, sorted
}

// find runs a query on the reader pool (or on tx when given, inside a write).
func (c *collection) find(ctx context.Context, tx *sql.Tx, q querySpec) (docIter, error) {
	text, args, exact, sorted := c.selectSQL(q, "doc")
	var rows *sql.Rows
	var err error
	rows, err = c.db.query(ctx, tx, text, args...)
	if err != nil {
		return nil, err
	}
	it := &rowIter{rows: rows}
	if !exact {
		it.filter = q.filter
	}
	if exact && sorted {
		return it, nil // SQLite applied skip and limit
	}
	if sorted {
		it.skip, it.limit = q.skip, q.limit
		return it, nil
	}
	// The sort needs Go: read every match, then sort, skip and limit.
	var docs []bsoncore.Document
	for {
		d, err := it.Next()
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		docs = append(docs, append(bsoncore.Document(nil), d...))
	}
	if err := sortDocs(docs, q.sort); err != nil {
		return nil, err
	}
	if q.skip > 0 {
		docs = docs[min(int(q.skip), len(docs)):]
	}
	if q.limit > 0 && int(q.limit) < len(docs) {
		docs = docs[:q.limit]
	}
	return &sliceIter{docs: docs}, nil
}

// sortDocs orders documents by a sort specification; for arrays MongoDB compares the
// smallest element ascending and the largest descending.
func sortDocs(docs []bsoncore.Document, spec bsoncore.Document) error {
	elems, err := spec.Elements()
	if err != nil {
		return err
	}
	type field struct {
		path string
		desc bool
	}
	var fields []field
	for _, e := range elems {
		n, _ := e.Value().AsInt64OK()
		fields = append(fields, field{e.Key(), n < 0})
	}
	keys := make([][]any, len(docs))
	for i, d := range docs {
		keys[i] = make([]any, len(fields))
		for j, f := range fields {
			vals, _ := resolve(d, f.path)
			var best any
			for n, v := range vals {
				if v.Type == bsoncore.TypeArray && len(vals) > 1 {
					continue
				}
				k := keyOf(v)
				if n == 0 || (f.desc && compareKeys(k, best) > 0) || (!f.desc && compareKeys(k, best) < 0) {
					best = k
				}
			}
			keys[i][j] = best
		}
	}
	idx := make([]int, len(docs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for j, f := range fields {
			c := compareKeys(keys[idx[a]][j], keys[idx[b]][j])
			if c != 0 {
				return (c < 0) != f.desc
			}
		}
		return false
	})
	sorted := make([]bsoncore.Document, len(docs))
	for i, k := range idx {
		sorted[i] = docs[k]
	}
	copy(docs, sorted)
	return nil
}

// count counts matches, in SQL when the filter translates exactly.
func (c *collection) count(ctx context.Context, q querySpec) (int64, error) {
	p := c.planFilter(q.filter)
	if p.exact {
		var n int64
		err := c.db.reader.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM %q%s", c.table, p.where()), p.args...).Scan(&n)
		n = max(n-q.skip, 0)
		if q.limit > 0 {
			n = min(n, q.limit)
		}
		return n, err
	}
	it, err := c.find(ctx, nil, q)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var n int64
	for {
		d, err := it.Next()
		if err != nil || d == nil {
			return n, err
		}
		n++
	}
}

// explainPlan reports how SQLite answers a query: for tests that assert a list or a lookup
// is index-backed, here and (with the same explain command) on MongoDB.
func (c *collection) explainPlan(ctx context.Context, q querySpec) (stage string, details []string, sqlText string, err error) {
	text, args, exact, sorted := c.selectSQL(q, "doc")
	rows, err := c.db.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+text, args...)
	if err != nil {
		return "", nil, text, err
	}
	defer rows.Close()
	stage = "COLLSCAN"
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", nil, text, err
		}
		details = append(details, detail)
		if containsAny(detail, "USING INDEX", "USING COVERING INDEX", "USING INTEGER PRIMARY KEY", "USING PRIMARY KEY") {
			stage = "IXSCAN"
		}
	}
	if !exact {
		details = append(details, "filter partly evaluated in Go")
	}
	if !sorted {
		details = append(details, "sorted in Go")
	}
	return stage, details, text, rows.Err()
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
