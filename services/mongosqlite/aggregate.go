package mongosqlite

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// project applies a find projection: inclusion ({a: 1}) or exclusion ({a: 0}), dotted
// paths through embedded documents; _id is kept unless excluded.
func project(doc bsoncore.Document, spec bsoncore.Document) (bsoncore.Document, error) {
	elems, err := spec.Elements()
	if err != nil {
		return nil, err
	}
	include, idOut := false, false
	var paths []string
	for _, e := range elems {
		if _, isDoc := e.Value().DocumentOK(); isDoc || strings.HasPrefix(e.Key(), "$") {
			return nil, errUnsupported("projection operator on " + e.Key())
		}
		on := truthy(e.Value())
		if e.Key() == "_id" {
			idOut = !on
			continue
		}
		if on {
			include = true
		}
		paths = append(paths, e.Key())
	}
	if fast, ok := projectTopLevel(doc, paths, include, idOut); ok {
		return fast, nil
	}
	d, err := toD(doc)
	if err != nil {
		return nil, err
	}
	var out bson.D
	if include {
		out = bson.D{}
		if id, ok := lookupD(d, "_id"); ok && !idOut {
			out = append(out, bson.E{Key: "_id", Value: id})
		}
		for _, p := range paths {
			if v, ok := lookupD(d, p); ok {
				if out, err = setPath(out, p, v); err != nil {
					return nil, err
				}
			}
		}
	} else {
		out = d
		for _, p := range paths {
			out = unsetPath(out, p)
		}
		if idOut {
			out = unsetPath(out, "_id")
		}
	}
	return fromD(out)
}

// projectTopLevel projects on raw BSON when every path is a top-level field: no decoding,
// which matters for the many small projections a relay or a version check asks for.
func projectTopLevel(doc bsoncore.Document, paths []string, include, idOut bool) (bsoncore.Document, bool) {
	for _, p := range paths {
		if strings.Contains(p, ".") {
			return nil, false
		}
	}
	elems, err := doc.Elements()
	if err != nil {
		return nil, false
	}
	idx, out := bsoncore.AppendDocumentStart(nil)
	for _, e := range elems {
		k := e.Key()
		keep := !include
		if k == "_id" {
			keep = !idOut
		} else {
			for _, p := range paths {
				if p == k {
					keep = include
					break
				}
			}
		}
		if keep {
			out = append(out, e...)
		}
	}
	out, _ = bsoncore.AppendDocumentEnd(out, idx)
	return out, true
}

// leadingQuery takes the stages SQLite can run ($match, then $sort, $skip, $limit) off the
// front of a pipeline.
func leadingQuery(stages []bsoncore.Document) (querySpec, []bsoncore.Document) {
	var q querySpec
	i := 0
	stage := func(name string) (bsoncore.Value, bool) {
		if i >= len(stages) {
			return bsoncore.Value{}, false
		}
		e, err := stages[i].IndexErr(0)
		if err != nil || e.Key() != name {
			return bsoncore.Value{}, false
		}
		return e.Value(), true
	}
	if v, ok := stage("$match"); ok {
		q.filter, _ = v.DocumentOK()
		i++
	}
	if v, ok := stage("$sort"); ok {
		q.sort, _ = v.DocumentOK()
		i++
	}
	if v, ok := stage("$skip"); ok {
		q.skip, _ = v.AsInt64OK()
		i++
	}
	if v, ok := stage("$limit"); ok {
		q.limit, _ = v.AsInt64OK()
		i++
	}
	return q, stages[i:]
}

func (s *Server) aggregateCmd(ctx context.Context, dbName, coll string, body bsoncore.Document) (bson.D, error) {
	stages, err := docsOf(body, nil, "pipeline")
	if err != nil {
		return nil, err
	}
	ns := dbName + "." + coll
	batchSize := intField(docField(body, "cursor"), "batchSize")
	if len(stages) > 0 {
		if first, err := stages[0].IndexErr(0); err == nil && first.Key() == "$changeStream" {
			spec, _ := first.Value().DocumentOK()
			return s.openChangeStream(ctx, dbName, coll, spec, stages[1:], batchSize)
		}
	}
	c, err := s.collectionOf(dbName, coll)
	if err != nil {
		return nil, err
	}
	q, rest := leadingQuery(stages)
	var docs []bsoncore.Document
	if c != nil {
		it, err := c.find(context.WithoutCancel(ctx), nil, q)
		if err != nil {
			return nil, err
		}
		if len(rest) == 0 {
			return s.openCursor(ns, it, nil, batchSize, false)
		}
		for {
			d, err := it.Next()
			if err != nil {
				it.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			docs = append(docs, append(bsoncore.Document(nil), d...))
		}
	}
	for _, st := range rest {
		if docs, err = runStage(docs, st); err != nil {
			return nil, err
		}
	}
	return s.openCursor(ns, &sliceIter{docs: docs}, nil, batchSize, false)
}

func runStage(docs []bsoncore.Document, st bsoncore.Document) ([]bsoncore.Document, error) {
	e, err := st.IndexErr(0)
	if err != nil {
		return nil, err
	}
	arg := e.Value()
	switch e.Key() {
	case "$match":
		f, _ := arg.DocumentOK()
		var out []bsoncore.Document
		for _, d := range docs {
			ok, err := matches(d, f)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, d)
			}
		}
		return out, nil
	case "$sort":
		spec, _ := arg.DocumentOK()
		return docs, sortDocs(docs, spec)
	case "$skip":
		n, _ := arg.AsInt64OK()
		return docs[min(int(n), len(docs)):], nil
	case "$limit":
		n, _ := arg.AsInt64OK()
		return docs[:min(int(n), len(docs))], nil
	case "$project":
		spec, _ := arg.DocumentOK()
		out := make([]bsoncore.Document, len(docs))
		for i, d := range docs {
			if out[i], err = project(d, spec); err != nil {
				return nil, err
			}
		}
		return out, nil
	case "$group":
		spec, _ := arg.DocumentOK()
		return group(docs, spec)
	}
	return nil, errUnsupported("aggregation stage " + e.Key())
}

// evalExpr evaluates the expressions $group needs: "$path", a literal, or a document of them.
func evalExpr(doc bsoncore.Document, expr bsoncore.Value) (any, error) {
	if expr.Type == 0 {
		return nil, nil
	}
	if s, ok := expr.StringValueOK(); ok && strings.HasPrefix(s, "$") {
		v, found, _ := lookupPath(doc, s[1:])
		if !found {
			return nil, nil
		}
		return valueOf(v)
	}
	if d, ok := expr.DocumentOK(); ok {
		elems, err := d.Elements()
		if err != nil {
			return nil, err
		}
		out := bson.D{}
		for _, e := range elems {
			if strings.HasPrefix(e.Key(), "$") {
				return nil, errUnsupported("expression operator " + e.Key())
			}
			v, err := evalExpr(doc, e.Value())
			if err != nil {
				return nil, err
			}
			out = append(out, bson.E{Key: e.Key(), Value: v})
		}
		return out, nil
	}
	return valueOf(expr)
}

type groupState struct {
	id   any
	accs []any
}

// group runs $group with the accumulator $sum (what the driver's countDocuments sends),
// keeping groups in order of first appearance.
func group(docs []bsoncore.Document, spec bsoncore.Document) ([]bsoncore.Document, error) {
	elems, err := spec.Elements()
	if err != nil {
		return nil, err
	}
	var idExpr bsoncore.Value
	type acc struct {
		field, op string
		arg       bsoncore.Value
	}
	var accs []acc
	for _, e := range elems {
		if e.Key() == "_id" {
			idExpr = e.Value()
			continue
		}
		d, ok := e.Value().DocumentOK()
		if !ok {
			return nil, fmt.Errorf("the field %s must be an accumulator object", e.Key())
		}
		op, err := d.IndexErr(0)
		if err != nil {
			return nil, err
		}
		accs = append(accs, acc{field: e.Key(), op: op.Key(), arg: op.Value()})
	}
	var groups []*groupState
	index := map[string]*groupState{}
	for _, d := range docs {
		id, err := evalExpr(d, idExpr)
		if err != nil {
			return nil, err
		}
		idRaw, _ := bson.Marshal(bson.D{{Key: "v", Value: id}})
		g, ok := index[string(idRaw)]
		if !ok {
			g = &groupState{id: id, accs: make([]any, len(accs))}
			index[string(idRaw)] = g
			groups = append(groups, g)
		}
		for i, a := range accs {
			var v any
			if v, err = evalExpr(d, a.arg); err != nil {
				return nil, err
			}
			switch a.op {
			case "$sum":
				if _, isNum := numeric(v); isNum {
					if g.accs[i] == nil {
						g.accs[i] = int32(0)
					}
					if g.accs[i], err = addNumbers(g.accs[i], v); err != nil {
						return nil, err
					}
				} else if g.accs[i] == nil {
					g.accs[i] = int32(0)
				}
			default:
				return nil, errUnsupported("accumulator " + a.op)
			}
		}
	}
	out := make([]bsoncore.Document, 0, len(groups))
	for _, g := range groups {
		d := bson.D{{Key: "_id", Value: g.id}}
		for i, a := range accs {
			v := g.accs[i]
			d = append(d, bson.E{Key: a.field, Value: v})
		}
		raw, err := fromD(d)
		if err != nil {
			return nil, err
		}
		out = append(out, raw)
	}
	return out, nil
}

func numeric(v any) (float64, bool) {
	switch n := v.(type) {
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
