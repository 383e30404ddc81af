package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Domain state is JSON (its types carry json tags and custom JSON forms such as dates).
// Views keep it as real BSON fields, so these two functions convert between the two without
// extended-JSON interpretation: a key named "$date" stays a key. Objects keep their field
// order; whole numbers become int64, others float64.

// jsonToBSON converts a JSON document into a bson.D.
func jsonToBSON(raw []byte) (bson.D, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readJSONValue(dec)
	if err != nil {
		return nil, err
	}
	d, ok := v.(bson.D)
	if !ok {
		return nil, fmt.Errorf("state is not a JSON object")
	}
	return d, nil
}

func readJSONValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := bson.D{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readJSONValue(dec)
				if err != nil {
					return nil, err
				}
				d = append(d, bson.E{Key: kt.(string), Value: v})
			}
			_, err := dec.Token()
			return d, err
		case '[':
			a := bson.A{}
			for dec.More() {
				v, err := readJSONValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, nil
		}
		return strconv.ParseFloat(string(t), 64)
	default: // string, bool, nil
		return t, nil
	}
}

// bsonToJSON writes a view's BSON state back as JSON for the domain types to decode.
func bsonToJSON(raw bson.Raw) ([]byte, error) {
	return appendJSONDoc(make([]byte, 0, len(raw)+len(raw)/4), raw)
}

func appendJSONDoc(b []byte, doc bson.Raw) ([]byte, error) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	b = append(b, '{')
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e.Key())
		b = append(b, ':')
		if b, err = appendJSONValue(b, e.Value()); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendJSONValue(b []byte, v bson.RawValue) ([]byte, error) {
	var err error
	switch v.Type {
	case bson.TypeEmbeddedDocument:
		return appendJSONDoc(b, v.Document())
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return nil, err
		}
		b = append(b, '[')
		for i, x := range vals {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSONValue(b, x); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case bson.TypeString:
		return appendJSONString(b, v.StringValue()), nil
	case bson.TypeInt64:
		return strconv.AppendInt(b, v.Int64(), 10), nil
	case bson.TypeInt32:
		return strconv.AppendInt(b, int64(v.Int32()), 10), nil
	case bson.TypeDouble:
		f := v.Double()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("number %v has no JSON form", f)
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64), nil
	case bson.TypeBoolean:
		return strconv.AppendBool(b, v.Boolean()), nil
	case bson.TypeNull:
		return append(b, "null"...), nil
	case bson.TypeDateTime:
		return appendJSONString(b, v.Time().UTC().Format(time.RFC3339Nano)), err
	}
	return nil, fmt.Errorf("BSON type %v has no place in a view's state", v.Type)
}

// appendJSONString quotes s as JSON: quote, backslash and control characters escaped,
// invalid UTF-8 replaced, as encoding/json decodes it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
