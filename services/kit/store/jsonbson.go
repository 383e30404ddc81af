package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

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
	var buf bytes.Buffer
	if err := writeJSONDoc(&buf, raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSONDoc(w *bytes.Buffer, doc bson.Raw) error {
	elems, err := doc.Elements()
	if err != nil {
		return err
	}
	w.WriteByte('{')
	for i, e := range elems {
		if i > 0 {
			w.WriteByte(',')
		}
		k, _ := json.Marshal(e.Key())
		w.Write(k)
		w.WriteByte(':')
		if err := writeJSONValue(w, e.Value()); err != nil {
			return err
		}
	}
	w.WriteByte('}')
	return nil
}

func writeJSONValue(w io.Writer, v bson.RawValue) error {
	buf := w.(*bytes.Buffer)
	switch v.Type {
	case bson.TypeEmbeddedDocument:
		return writeJSONDoc(buf, v.Document())
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return err
		}
		buf.WriteByte('[')
		for i, x := range vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSONValue(buf, x); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case bson.TypeString:
		s, _ := json.Marshal(v.StringValue())
		buf.Write(s)
	case bson.TypeInt64:
		buf.WriteString(strconv.FormatInt(v.Int64(), 10))
	case bson.TypeInt32:
		buf.WriteString(strconv.FormatInt(int64(v.Int32()), 10))
	case bson.TypeDouble:
		f := v.Double()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("number %v has no JSON form", f)
		}
		buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case bson.TypeBoolean:
		buf.WriteString(strconv.FormatBool(v.Boolean()))
	case bson.TypeNull:
		buf.WriteString("null")
	case bson.TypeDateTime:
		s, _ := json.Marshal(v.Time().UTC())
		buf.Write(s)
	default:
		return fmt.Errorf("BSON type %v has no place in a view's state", v.Type)
	}
	return nil
}
