package mongosqlite

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// toD decodes raw BSON into an editable document (embedded documents bson.D, arrays bson.A).
func toD(raw bsoncore.Document) (bson.D, error) {
	var d bson.D
	err := bson.Unmarshal(raw, &d)
	return d, err
}

// valueOf turns one BSON value into its Go form for an editable document.
func valueOf(v bsoncore.Value) (any, error) {
	doc := bsoncore.NewDocumentBuilder().AppendValue("v", v).Build()
	var d bson.D
	if err := bson.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	return d[0].Value, nil
}

func fromD(d bson.D) (bsoncore.Document, error) {
	raw, err := bson.Marshal(d)
	return bsoncore.Document(raw), err
}

// isUpdateOperators tells an update document ({$set: ...}) from a replacement.
func isUpdateOperators(u bsoncore.Document) bool {
	e, err := u.IndexErr(0)
	return err == nil && strings.HasPrefix(e.Key(), "$")
}

// setTopLevel applies an update made only of $set and $unset on top-level fields other
// than _id to raw BSON, without decoding the document (the relay marks hundreds of commits
// at once this way). ok is false when the update needs the general path.
func setTopLevel(doc bsoncore.Document, update bsoncore.Document) (bsoncore.Document, bool) {
	ops, err := update.Elements()
	if err != nil {
		return nil, false
	}
	set := map[string]bsoncore.Value{}
	unset := map[string]bool{}
	var order []string
	for _, op := range ops {
		args, ok := op.Value().DocumentOK()
		if !ok || (op.Key() != "$set" && op.Key() != "$unset") {
			return nil, false
		}
		fields, err := args.Elements()
		if err != nil {
			return nil, false
		}
		for _, f := range fields {
			k := f.Key()
			if k == "_id" || strings.Contains(k, ".") || strings.HasPrefix(k, "$") {
				return nil, false
			}
			if _, dup := set[k]; dup || unset[k] {
				return nil, false
			}
			if op.Key() == "$set" {
				set[k] = f.Value()
				order = append(order, k)
			} else {
				unset[k] = true
			}
		}
	}
	elems, err := doc.Elements()
	if err != nil {
		return nil, false
	}
	idx, out := bsoncore.AppendDocumentStart(nil)
	done := map[string]bool{}
	for _, e := range elems {
		k := e.Key()
		switch v, isSet := set[k]; {
		case unset[k]:
		case isSet:
			out = bsoncore.AppendValueElement(out, k, v)
			done[k] = true
		default:
			out = append(out, e...)
		}
	}
	for _, k := range order {
		if !done[k] {
			out = bsoncore.AppendValueElement(out, k, set[k])
		}
	}
	out, _ = bsoncore.AppendDocumentEnd(out, idx)
	return out, true
}

// applyUpdate applies update operators (or a replacement) to doc. inserting is true when
// an upsert creates the document ($setOnInsert applies only then).
func applyUpdate(doc bson.D, update bsoncore.Document, inserting bool) (bson.D, error) {
	if !isUpdateOperators(update) {
		repl, err := toD(update)
		if err != nil {
			return nil, err
		}
		for _, e := range repl {
			if strings.HasPrefix(e.Key, "$") {
				return nil, mongoError{Code: 9, Name: "FailedToParse", Msg: "a replacement document must not contain update operators"}
			}
		}
		if id, ok := lookupD(doc, "_id"); ok {
			if rid, has := lookupD(repl, "_id"); has && !sameValue(rid, id) {
				return nil, mongoError{Code: 66, Name: "ImmutableField", Msg: "the _id field cannot be changed"}
			}
			repl = setTop(repl, "_id", id)
		}
		return repl, nil
	}
	elems, err := update.Elements()
	if err != nil {
		return nil, err
	}
	for _, e := range elems {
		op := e.Key()
		args, ok := e.Value().DocumentOK()
		if !ok {
			return nil, mongoError{Code: 9, Name: "FailedToParse", Msg: op + " needs an object"}
		}
		fields, err := args.Elements()
		if err != nil {
			return nil, err
		}
		for _, f := range fields {
			path := f.Key()
			if path == "_id" && op != "$setOnInsert" && !inserting {
				if old, ok := lookupD(doc, "_id"); ok {
					nv, _ := valueOf(f.Value())
					if op == "$set" && sameValue(old, nv) {
						continue
					}
					return nil, mongoError{Code: 66, Name: "ImmutableField", Msg: "the _id field cannot be changed"}
				}
			}
			val, err := valueOf(f.Value())
			if err != nil {
				return nil, err
			}
			switch op {
			case "$set":
				doc, err = setPath(doc, path, val)
			case "$setOnInsert":
				if inserting {
					doc, err = setPath(doc, path, val)
				}
			case "$unset":
				doc = unsetPath(doc, path)
			case "$inc":
				old, _ := lookupD(doc, path)
				var sum any
				sum, err = addNumbers(old, val)
				if err == nil {
					doc, err = setPath(doc, path, sum)
				}
			case "$min", "$max":
				old, exists := lookupD(doc, path)
				c := compareKeys(keyOfAny(val), keyOfAny(old))
				if !exists || (op == "$min" && c < 0) || (op == "$max" && c > 0) {
					doc, err = setPath(doc, path, val)
				}
			case "$currentDate":
				doc, err = setPath(doc, path, bson.NewDateTimeFromTime(time.Now()))
			case "$push", "$addToSet":
				doc, err = pushPath(doc, path, val, op == "$addToSet")
			case "$pull":
				old, _ := lookupD(doc, path)
				if arr, ok := old.(bson.A); ok {
					kept := bson.A{}
					for _, x := range arr {
						if !sameValue(x, val) {
							kept = append(kept, x)
						}
					}
					doc, err = setPath(doc, path, kept)
				}
			default:
				return nil, errUnsupported("update operator " + op)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return doc, nil
}

func keyOfAny(v any) any {
	if v == nil {
		return nil
	}
	raw, err := bson.Marshal(bson.D{{Key: "v", Value: v}})
	if err != nil {
		return nil
	}
	return keyOf(bsoncore.Document(raw).Lookup("v"))
}

func sameValue(a, b any) bool {
	ka, kb := keyOfAny(a), keyOfAny(b)
	return compareKeys(ka, kb) == 0 && sameClass(ka, kb)
}

func addNumbers(old, inc any) (any, error) {
	if old == nil {
		return inc, nil
	}
	switch a := old.(type) {
	case int32:
		switch b := inc.(type) {
		case int32:
			s := int64(a) + int64(b)
			if s >= math.MinInt32 && s <= math.MaxInt32 {
				return int32(s), nil
			}
			return s, nil
		case int64:
			return int64(a) + b, nil
		case float64:
			return float64(a) + b, nil
		}
	case int64:
		switch b := inc.(type) {
		case int32:
			return a + int64(b), nil
		case int64:
			return a + b, nil
		case float64:
			return float64(a) + b, nil
		}
	case float64:
		switch b := inc.(type) {
		case int32:
			return a + float64(b), nil
		case int64:
			return a + float64(b), nil
		case float64:
			return a + b, nil
		}
	}
	return nil, mongoError{Code: 14, Name: "TypeMismatch", Msg: "cannot apply $inc to a value of non-numeric type"}
}

func lookupD(d bson.D, path string) (any, bool) {
	head, rest, more := strings.Cut(path, ".")
	for _, e := range d {
		if e.Key != head {
			continue
		}
		if !more {
			return e.Value, true
		}
		switch v := e.Value.(type) {
		case bson.D:
			return lookupD(v, rest)
		case bson.A:
			i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0])
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			if !strings.Contains(rest, ".") {
				return v[i], true
			}
			if sub, ok := v[i].(bson.D); ok {
				return lookupD(sub, strings.SplitN(rest, ".", 2)[1])
			}
		}
		return nil, false
	}
	return nil, false
}

func setTop(d bson.D, key string, v any) bson.D {
	for i := range d {
		if d[i].Key == key {
			d[i].Value = v
			return d
		}
	}
	if key == "_id" {
		return append(bson.D{{Key: key, Value: v}}, d...)
	}
	return append(d, bson.E{Key: key, Value: v})
}

func setPath(d bson.D, path string, v any) (bson.D, error) {
	head, rest, more := strings.Cut(path, ".")
	if head == "" {
		return nil, mongoError{Code: 56, Name: "EmptyFieldName", Msg: "empty field name in " + path}
	}
	if !more {
		return setTop(d, head, v), nil
	}
	for i := range d {
		if d[i].Key != head {
			continue
		}
		switch cur := d[i].Value.(type) {
		case bson.D:
			sub, err := setPath(cur, rest, v)
			d[i].Value = sub
			return d, err
		case bson.A:
			idxs, tail, deeper := strings.Cut(rest, ".")
			n, err := strconv.Atoi(idxs)
			if err != nil || n < 0 {
				return nil, mongoError{Code: 28, Name: "PathNotViable", Msg: "cannot create field " + idxs + " in an array"}
			}
			for len(cur) <= n {
				cur = append(cur, nil)
			}
			if !deeper {
				cur[n] = v
			} else {
				sub, _ := cur[n].(bson.D)
				sub, err = setPath(sub, tail, v)
				if err != nil {
					return nil, err
				}
				cur[n] = sub
			}
			d[i].Value = cur
			return d, nil
		default:
			if cur != nil {
				return nil, mongoError{Code: 28, Name: "PathNotViable", Msg: "cannot create field in element {" + head + "}"}
			}
			sub, err := setPath(bson.D{}, rest, v)
			d[i].Value = sub
			return d, err
		}
	}
	sub, err := setPath(bson.D{}, rest, v)
	return append(d, bson.E{Key: head, Value: sub}), err
}

func unsetPath(d bson.D, path string) bson.D {
	head, rest, more := strings.Cut(path, ".")
	for i := range d {
		if d[i].Key != head {
			continue
		}
		if !more {
			return append(d[:i:i], d[i+1:]...)
		}
		if sub, ok := d[i].Value.(bson.D); ok {
			d[i].Value = unsetPath(sub, rest)
		}
		return d
	}
	return d
}

func pushPath(d bson.D, path string, v any, unique bool) (bson.D, error) {
	items := bson.A{v}
	if m, ok := v.(bson.D); ok && len(m) > 0 && m[0].Key == "$each" {
		each, ok := m[0].Value.(bson.A)
		if !ok {
			return nil, mongoError{Code: 2, Name: "BadValue", Msg: "$each needs an array"}
		}
		items = each
	}
	old, exists := lookupD(d, path)
	arr, ok := old.(bson.A)
	if exists && !ok {
		return nil, mongoError{Code: 2, Name: "BadValue", Msg: fmt.Sprintf("the field %s must be an array", path)}
	}
	for _, it := range items {
		dup := false
		if unique {
			for _, x := range arr {
				if sameValue(x, it) {
					dup = true
				}
			}
		}
		if !dup {
			arr = append(arr, it)
		}
	}
	if arr == nil {
		arr = bson.A{}
	}
	return setPath(d, path, arr)
}

// upsertBase is the document an upsert starts from: the filter's equality conditions.
func upsertBase(filter bsoncore.Document) (bson.D, error) {
	doc := bson.D{}
	var add func(f bsoncore.Document) error
	add = func(f bsoncore.Document) error {
		elems, err := f.Elements()
		if err != nil {
			return err
		}
		for _, e := range elems {
			k, v := e.Key(), e.Value()
			if k == "$and" {
				subs, err := subFilters(k, v)
				if err != nil {
					return err
				}
				for _, s := range subs {
					if err := add(s); err != nil {
						return err
					}
				}
				continue
			}
			if strings.HasPrefix(k, "$") {
				continue
			}
			if ops, ok := operatorDoc(v); ok {
				eq, err := ops.LookupErr("$eq")
				if err != nil {
					continue
				}
				v = eq
			}
			if v.Type == bsoncore.TypeRegex {
				continue
			}
			val, err := valueOf(v)
			if err != nil {
				return err
			}
			if doc, err = setPath(doc, k, val); err != nil {
				return err
			}
		}
		return nil
	}
	return doc, add(filter)
}

// arrayPaths lists the paths of doc where an array is stored.
func arrayPaths(doc bsoncore.Document, prefix string, out []string) []string {
	elems, err := doc.Elements()
	if err != nil {
		return out
	}
	for _, e := range elems {
		p := prefix + e.Key()
		switch e.Value().Type {
		case bsoncore.TypeArray:
			out = append(out, p)
		case bsoncore.TypeEmbeddedDocument:
			out = arrayPaths(e.Value().Document(), p+".", out)
		}
	}
	return out
}

// ensureID gives a document an ObjectId _id (first, as MongoDB does) when it has none.
func ensureID(doc bsoncore.Document) (bsoncore.Document, bsoncore.Value, error) {
	if id, err := doc.LookupErr("_id"); err == nil {
		if id.Type == bsoncore.TypeArray || id.Type == bsoncore.TypeRegex || id.Type == bsoncore.TypeUndefined {
			return nil, id, mongoError{Code: 2, Name: "BadValue", Msg: "the _id cannot be an array, a regular expression or undefined"}
		}
		return doc, id, nil
	}
	oid := bson.NewObjectID()
	elems, err := doc.Elements()
	if err != nil {
		return nil, bsoncore.Value{}, err
	}
	b := bsoncore.NewDocumentBuilder().AppendObjectID("_id", oid)
	for _, e := range elems {
		b.AppendValue(e.Key(), e.Value())
	}
	out := b.Build()
	return out, out.Lookup("_id"), nil
}
