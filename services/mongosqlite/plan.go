package mongosqlite

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// A plan is the SQL part of a query: conditions SQLite can answer from an index (every
// condition is exact, or at least lets through every document that matches), and whether
// they are the whole filter. Only then may LIMIT and SKIP go to SQLite too; otherwise the
// documents are filtered again in Go.
type plan struct {
	conds []string
	args  []any
	exact bool
	// fixed are the paths an equality pins to one value; a sort on them is a no-op, and
	// SQLite only uses an index for ORDER BY when such terms are left out.
	fixed map[string]bool
}

func (p plan) where() string {
	if len(p.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(p.conds, " AND ")
}

// keyExpr is the SQL expression of a path's key; indexes are created on the same text so
// that SQLite matches them. _id has a column of its own (the primary key).
func keyExpr(path string) string {
	if path == "_id" {
		return "id"
	}
	return "mkey(doc,'" + strings.ReplaceAll(path, "'", "''") + "')"
}

// planFilter translates what it can of a filter. Paths where an array was ever stored
// (multikey) are left to Go: MongoDB matches arrays element-wise, an index of keys cannot.
func (c *collection) planFilter(filter bsoncore.Document) plan {
	p := plan{exact: true, fixed: map[string]bool{}}
	elems, err := filter.Elements()
	if err != nil {
		return plan{}
	}
	for _, e := range elems {
		key, v := e.Key(), e.Value()
		switch {
		case key == "$comment":
		case key == "$and":
			subs, err := subFilters(key, v)
			if err != nil {
				p.exact = false
				continue
			}
			for _, s := range subs {
				sp := c.planFilter(s)
				p.conds = append(p.conds, sp.conds...)
				p.args = append(p.args, sp.args...)
				p.exact = p.exact && sp.exact
				for f := range sp.fixed {
					p.fixed[f] = true
				}
			}
		case key == "$or":
			subs, err := subFilters(key, v)
			if err != nil || len(subs) == 0 {
				p.exact = false
				continue
			}
			var ors []string
			var args []any
			all := true
			for _, s := range subs {
				sp := c.planFilter(s)
				if !sp.exact || len(sp.conds) == 0 {
					all = false
					break
				}
				ors = append(ors, "("+strings.Join(sp.conds, " AND ")+")")
				args = append(args, sp.args...)
			}
			if !all {
				p.exact = false
				continue
			}
			p.conds = append(p.conds, "("+strings.Join(ors, " OR ")+")")
			p.args = append(p.args, args...)
		case strings.HasPrefix(key, "$"):
			p.exact = false
		case c.isMultikey(key):
			p.exact = false
		default:
			conds, args, exact := planPath(keyExpr(key), v)
			p.conds = append(p.conds, conds...)
			p.args = append(p.args, args...)
			p.exact = p.exact && exact
			if len(conds) > 0 && (strings.HasSuffix(conds[0], " = ?") || strings.HasSuffix(conds[0], " IS NULL")) {
				p.fixed[key] = true
			}
		}
	}
	return p
}

func planPath(expr string, v bsoncore.Value) ([]string, []any, bool) {
	ops, isOps := operatorDoc(v)
	if !isOps {
		return planEq(expr, v)
	}
	elems, err := ops.Elements()
	if err != nil {
		return nil, nil, false
	}
	var conds []string
	var args []any
	exact := true
	for _, e := range elems {
		c, a, ok := planOperator(expr, e.Key(), e.Value())
		conds = append(conds, c...)
		args = append(args, a...)
		exact = exact && ok
	}
	return conds, args, exact
}

func planEq(expr string, v bsoncore.Value) ([]string, []any, bool) {
	switch {
	case isNull(v):
		return []string{expr + " IS NULL"}, nil, true
	case v.Type == bsoncore.TypeArray, v.Type == bsoncore.TypeRegex:
		return nil, nil, false
	}
	k := keyOf(v)
	if k == nil {
		return nil, nil, false
	}
	return []string{expr + " = ?"}, []any{k}, true
}

func planOperator(expr, op string, arg bsoncore.Value) ([]string, []any, bool) {
	switch op {
	case "$eq":
		return planEq(expr, arg)
	case "$ne":
		if isNull(arg) {
			return []string{expr + " IS NOT NULL"}, nil, true
		}
		k := keyOf(arg)
		if k == nil || arg.Type == bsoncore.TypeArray || arg.Type == bsoncore.TypeRegex {
			return nil, nil, false
		}
		return []string{expr + " IS NOT ?"}, []any{k}, true
	case "$gt", "$gte", "$lt", "$lte":
		return planRange(expr, op, arg)
	case "$in":
		arr, ok := arg.ArrayOK()
		if !ok {
			return nil, nil, false
		}
		items, _ := arr.Values()
		if len(items) == 0 {
			return []string{"0"}, nil, true
		}
		var marks []string
		var args []any
		null := false
		for _, it := range items {
			if isNull(it) {
				null = true
				continue
			}
			k := keyOf(it)
			if k == nil || it.Type == bsoncore.TypeArray || it.Type == bsoncore.TypeRegex {
				return nil, nil, false
			}
			marks = append(marks, "?")
			args = append(args, k)
		}
		cond := expr + " IN (" + strings.Join(marks, ",") + ")"
		if null {
			if len(marks) == 0 {
				cond = expr + " IS NULL"
			} else {
				cond = "(" + expr + " IS NULL OR " + cond + ")"
			}
		}
		return []string{cond}, args, true
	case "$exists":
		if !truthy(arg) { // a superset: missing and null both have no key
			return []string{expr + " IS NULL"}, nil, false
		}
		return nil, nil, false
	}
	return nil, nil, false
}

// planRange keeps a comparison inside its type class, as MongoDB does.
func planRange(expr, op string, arg bsoncore.Value) ([]string, []any, bool) {
	k := keyOf(arg)
	if k == nil {
		if op == "$gte" || op == "$lte" {
			return []string{expr + " IS NULL"}, nil, true
		}
		return []string{"0"}, nil, true
	}
	if arg.Type == bsoncore.TypeArray {
		return nil, nil, false
	}
	sym := map[string]string{"$gt": " > ?", "$gte": " >= ?", "$lt": " < ?", "$lte": " <= ?"}[op]
	conds := []string{expr + sym}
	args := []any{k}
	low, _, high := classBounds(k)
	if op == "$gt" || op == "$gte" {
		conds = append(conds, expr+" < ?")
		args = append(args, high)
	} else if _, isString := k.(string); isString || classIsBlob(k) {
		// Numbers need no lower bound: only NULL lies below them, and NULL never compares.
		conds = append(conds, expr+" >= ?")
		args = append(args, low)
	}
	return conds, args, true
}

func classIsBlob(k any) bool { _, ok := k.([]byte); return ok }

// planSort returns an ORDER BY clause, or ok=false when the sort needs Go (a multikey path).
func (c *collection) planSort(sort bsoncore.Document, fixed map[string]bool) (string, bool) {
	if len(sort) == 0 {
		return "", true
	}
	elems, err := sort.Elements()
	if err != nil || len(elems) == 0 {
		return "", len(elems) == 0
	}
	var parts []string
	for _, e := range elems {
		dir := " ASC"
		if n, ok := e.Value().AsInt64OK(); ok && n < 0 {
			dir = " DESC"
		}
		switch {
		case e.Key() == "$natural":
			parts = append(parts, "rowid"+dir)
		case strings.HasPrefix(e.Key(), "$") || c.isMultikey(e.Key()):
			return "", false
		case fixed[e.Key()]:
		default:
			parts = append(parts, keyExpr(e.Key())+dir)
		}
	}
	if len(parts) == 0 {
		return "", true
	}
	return " ORDER BY " + strings.Join(parts, ", "), true
}
