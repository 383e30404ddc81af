package store

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A state survives the trip into a view and back exactly: field order, numbers, strings
// that need escaping, keys that look like extended JSON, nesting.
func TestStateRoundTripsThroughBSON(t *testing.T) {
	in := `{"id":"e-1","$date":{"$numberLong":"x"},"quote":"a \"b\" \\ c\n\t\u0001 é ☃ \u2028","n":42,"big":9007199254740993,` +
		`"f":1.5,"neg":-3e-7,"ok":true,"none":null,"list":[1,"two",{"three":[3]}],"empty":{},"nothing":[]}`
	d, err := jsonToBSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	out, err := bsonToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("round trip changed the state:\n%s\n%s", ja, jb)
	}
	if !bytes.HasPrefix(out, []byte(`{"id":"e-1","$date":`)) || !bytes.Contains(out, []byte(`"big":9007199254740993`)) {
		t.Fatalf("order or integer precision lost: %s", out)
	}
}
