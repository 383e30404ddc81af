package mongosqlite

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// errUnsupported names a query feature this server does not implement; the command fails
// with it rather than answering wrongly.
type errUnsupported string

func (e errUnsupported) Error() string { return "not supported by the embedded server: " + string(e) }

// matches evaluates a MongoDB query filter on a document, with MongoDB's semantics for
// missing fields, arrays (a condition matches if any element does) and type brackets.
func matches(doc bsoncore.Document, filter bsoncore.Document) (bool, error) {
	elems, err := filter.Elements()
	if err != nil {
		return false, err
	}
	for _, e := range elems {
		ok, err := matchElement(doc, e.Key(), e.Value())
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func matchElement(doc bsoncore.Document, key string, v bsoncore.Value) (bool, error) {
	switch key {
	case "$and", "$or", "$nor":
		subs, err := subFilters(key, v)
		if err != nil {
			return false, err
		}
		for _, s := range subs {
			ok, err := matches(doc, s)
			if err != nil {
				return false, err
			}
			switch {
			case key == "$and" && !ok:
				return false, nil
			case key == "$or" && ok:
				return true, nil
			case key == "$nor" && ok:
				return false, nil
			}
		}
		return key != "$or", nil
	case "$comment":
		return true, nil
	}
	if strings.HasPrefix(key, "$") {
		return false, errUnsupported("query operator " + key)
	}
	vals, present := resolve(doc, key)
	if ops, ok := operatorDoc(v); ok {
		return matchOperators(vals, present, ops)
	}
	return matchEq(vals, present, v), nil
}

func subFilters(op string, v bsoncore.Value) ([]bsoncore.Document, error) {
	return documentArray(v, op)
}

// operatorDoc reports whether v is {$op: ...}.
func operatorDoc(v bsoncore.Value) (bsoncore.Document, bool) {
	d, ok := v.DocumentOK()
	if !ok {
		return nil, false
	}
	e, err := d.IndexErr(0)
	if err != nil {
		return nil, false
	}
	return d, strings.HasPrefix(e.Key(), "$")
}

// resolve returns the values a path reaches: through embedded documents, into arrays
// element-wise, and at the leaf an array's elements as well as the array itself. present
// says whether the path reached anything (a null counts as present).
func resolve(doc bsoncore.Document, path string) ([]bsoncore.Value, bool) {
	var out []bsoncore.Value
	var walk func(v bsoncore.Value, parts []string, leafArrays bool)
	walk = func(v bsoncore.Value, parts []string, leafArrays bool) {
		if len(parts) == 0 {
			out = append(out, v)
			if arr, ok := v.ArrayOK(); ok && leafArrays {
				if vals, err := arr.Values(); err == nil {
					out = append(out, vals...)
				}
			}
			return
		}
		switch v.Type {
		case bsoncore.TypeEmbeddedDocument:
			if child, err := v.Document().LookupErr(parts[0]); err == nil {
				walk(child, parts[1:], true)
			}
		case bsoncore.TypeArray:
			vals, _ := v.Array().Values()
			if n, err := strconv.Atoi(parts[0]); err == nil && n >= 0 && n < len(vals) {
				walk(vals[n], parts[1:], true)
			}
			for _, el := range vals {
				if el.Type == bsoncore.TypeEmbeddedDocument {
					walk(el, parts, true)
				}
			}
		}
	}
	walk(bsoncore.Value{Type: bsoncore.TypeEmbeddedDocument, Data: doc}, strings.Split(path, "."), true)
	return out, len(out) > 0
}

func isNull(v bsoncore.Value) bool {
	return v.Type == bsoncore.TypeNull || v.Type == bsoncore.TypeUndefined
}

func matchEq(vals []bsoncore.Value, present bool, want bsoncore.Value) bool {
	if isNull(want) {
		if !present {
			return true
		}
		for _, v := range vals {
			if isNull(v) {
				return true
			}
		}
		return false
	}
	if want.Type == bsoncore.TypeRegex {
		return matchRegex(vals, want)
	}
	k := keyOf(want)
	for _, v := range vals {
		if k != nil && compareKeys(keyOf(v), k) == 0 && sameClass(keyOf(v), k) {
			return true
		}
	}
	return false
}

func sameClass(a, b any) bool {
	ca, ra := classOf(a)
	cb, rb := classOf(b)
	return ca == cb && ra == rb
}

func matchRegex(vals []bsoncore.Value, re bsoncore.Value) bool {
	pattern, opts := re.Regex()
	rx, err := compileRegex(pattern, opts)
	if err != nil {
		return false
	}
	for _, v := range vals {
		if s, ok := v.StringValueOK(); ok && rx.MatchString(s) {
			return true
		}
	}
	return false
}

func compileRegex(pattern, opts string) (*regexp.Regexp, error) {
	flags := ""
	for _, o := range opts {
		if strings.ContainsRune("imsx", o) {
			flags += string(o)
		}
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	return regexp.Compile(pattern)
}

func matchOperators(vals []bsoncore.Value, present bool, ops bsoncore.Document) (bool, error) {
	elems, err := ops.Elements()
	if err != nil {
		return false, err
	}
	for _, e := range elems {
		ok, err := matchOperator(vals, present, e.Key(), e.Value(), ops)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func matchOperator(vals []bsoncore.Value, present bool, op string, arg bsoncore.Value, all bsoncore.Document) (bool, error) {
	switch op {
	case "$eq":
		return matchEq(vals, present, arg), nil
	case "$ne":
		return !matchEq(vals, present, arg), nil
	case "$gt", "$gte", "$lt", "$lte":
		return matchRange(vals, present, op, arg), nil
	case "$in", "$nin":
		arr, ok := arg.ArrayOK()
		if !ok {
			return false, fmt.Errorf("%s needs an array", op)
		}
		items, _ := arr.Values()
		in := false
		for _, it := range items {
			if matchEq(vals, present, it) {
				in = true
				break
			}
		}
		return in == (op == "$in"), nil
	case "$exists":
		return present == truthy(arg), nil
	case "$not":
		if arg.Type == bsoncore.TypeRegex {
			return !matchRegex(vals, arg), nil
		}
		sub, ok := arg.DocumentOK()
		if !ok {
			return false, fmt.Errorf("$not needs an object or a regular expression")
		}
		ok, err := matchOperators(vals, present, sub)
		return !ok, err
	case "$regex":
		pattern, _ := arg.StringValueOK()
		if arg.Type == bsoncore.TypeRegex {
			p, o := arg.Regex()
			pattern = p
			if _, ok := all.Lookup("$options").StringValueOK(); !ok {
				return matchRegex(vals, bsoncore.Value{Type: bsoncore.TypeRegex, Data: bsoncore.AppendRegex(nil, p, o)}), nil
			}
		}
		opts, _ := all.Lookup("$options").StringValueOK()
		return matchRegex(vals, bsoncore.Value{Type: bsoncore.TypeRegex, Data: bsoncore.AppendRegex(nil, pattern, opts)}), nil
	case "$options":
		return true, nil
	case "$size":
		n, ok := arg.AsInt64OK()
		if !ok {
			return false, fmt.Errorf("$size needs a number")
		}
		for _, v := range vals {
			if arr, ok := v.ArrayOK(); ok {
				items, _ := arr.Values()
				if int64(len(items)) == n {
					return true, nil
				}
			}
		}
		return false, nil
	case "$all":
		arr, ok := arg.ArrayOK()
		if !ok {
			return false, fmt.Errorf("$all needs an array")
		}
		items, _ := arr.Values()
		for _, it := range items {
			if !matchEq(vals, present, it) {
				return false, nil
			}
		}
		return len(items) > 0, nil
	case "$elemMatch":
		sub, ok := arg.DocumentOK()
		if !ok {
			return false, fmt.Errorf("$elemMatch needs an object")
		}
		for _, v := range vals {
			arr, ok := v.ArrayOK()
			if !ok {
				continue
			}
			items, _ := arr.Values()
			for _, it := range items {
				var ok bool
				var err error
				if ops, isOps := operatorDoc(bsoncore.Value{Type: bsoncore.TypeEmbeddedDocument, Data: sub}); isOps {
					ok, err = matchOperators([]bsoncore.Value{it}, true, ops)
				} else if d, isDoc := it.DocumentOK(); isDoc {
					ok, err = matches(d, sub)
				}
				if err != nil {
					return false, err
				}
				if ok {
					return true, nil
				}
			}
		}
		return false, nil
	}
	return false, errUnsupported("query operator " + op)
}

func matchRange(vals []bsoncore.Value, present bool, op string, arg bsoncore.Value) bool {
	want := keyOf(arg)
	if want == nil {
		if op == "$gte" || op == "$lte" {
			return matchEq(vals, present, arg)
		}
		return false
	}
	for _, v := range vals {
		k := keyOf(v)
		if k == nil || !sameClass(k, want) {
			continue
		}
		c := compareKeys(k, want)
		if (op == "$gt" && c > 0) || (op == "$gte" && c >= 0) || (op == "$lt" && c < 0) || (op == "$lte" && c <= 0) {
			return true
		}
	}
	return false
}

func truthy(v bsoncore.Value) bool {
	switch v.Type {
	case bsoncore.TypeBoolean:
		return v.Boolean()
	case bsoncore.TypeNull, bsoncore.TypeUndefined:
		return false
	}
	if f, ok := v.AsFloat64OK(); ok {
		return f != 0
	}
	return true
}
