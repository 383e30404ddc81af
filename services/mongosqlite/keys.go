package mongosqlite

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Keys are BSON values mapped onto SQLite values so that SQLite's own ordering of its
// storage classes (NULL < INTEGER/REAL < TEXT < BLOB) agrees with MongoDB's comparison
// order of BSON types (null < numbers < strings < objects < arrays < binData < ObjectId <
// booleans < dates < timestamps < regular expressions). Numbers become INTEGER or REAL, so
// 1, 1.0 and NumberLong(1) are equal, as in MongoDB; strings stay TEXT and compare
// byte-wise, as MongoDB's simple collation does; every other type becomes a BLOB whose first
// byte is its rank, followed by an encoding that sorts with memcmp. Indexes are built on
// these keys, which is what makes equality, ranges and sorts index-backed.
const (
	rankObject    byte = 0x10
	rankArray     byte = 0x11
	rankBinary    byte = 0x12
	rankObjectID  byte = 0x13
	rankBoolean   byte = 0x14
	rankDate      byte = 0x15
	rankTimestamp byte = 0x16
	rankRegex     byte = 0x17
	rankMaxKey    byte = 0x7f
)

// keyOf maps a BSON value to its SQLite key; nil for null, undefined and missing values.
func keyOf(v bsoncore.Value) any {
	switch v.Type {
	case bsoncore.TypeDouble:
		f := v.Double()
		if math.IsNaN(f) {
			return nil
		}
		return f
	case bsoncore.TypeInt32:
		return int64(v.Int32())
	case bsoncore.TypeInt64:
		return v.Int64()
	case bsoncore.TypeDecimal128:
		h, l := v.Decimal128()
		x, err := strconv.ParseFloat(bson.NewDecimal128(h, l).String(), 64)
		if err != nil || math.IsNaN(x) {
			return nil
		}
		return x
	case bsoncore.TypeString:
		return v.StringValue()
	case bsoncore.TypeSymbol:
		return v.Symbol()
	case bsoncore.TypeEmbeddedDocument:
		return append([]byte{rankObject}, v.Data...)
	case bsoncore.TypeArray:
		return append([]byte{rankArray}, v.Data...)
	case bsoncore.TypeBinary:
		sub, data := v.Binary()
		b := make([]byte, 0, 6+len(data))
		b = append(b, rankBinary)
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		b = append(b, sub)
		return append(b, data...)
	case bsoncore.TypeObjectID:
		id := v.ObjectID()
		return append([]byte{rankObjectID}, id[:]...)
	case bsoncore.TypeBoolean:
		if v.Boolean() {
			return []byte{rankBoolean, 1}
		}
		return []byte{rankBoolean, 0}
	case bsoncore.TypeDateTime:
		return append([]byte{rankDate}, sortableInt64(v.DateTime())...)
	case bsoncore.TypeTimestamp:
		t, i := v.Timestamp()
		b := []byte{rankTimestamp}
		b = binary.BigEndian.AppendUint32(b, t)
		return binary.BigEndian.AppendUint32(b, i)
	case bsoncore.TypeRegex:
		p, o := v.Regex()
		return append([]byte{rankRegex}, []byte(p+"\x00"+o)...)
	case bsoncore.TypeMaxKey:
		return []byte{rankMaxKey}
	default: // null, undefined, minKey, code, pointers: no key
		return nil
	}
}

func sortableInt64(n int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(n)^(1<<63))
}

// class groups keys that MongoDB compares with each other: a range query only matches
// values of its own class ($gt: 5 never matches a string).
type class int

const (
	classNull class = iota
	classNumber
	classString
	classBlob // refined by the rank byte
)

func classOf(k any) (class, byte) {
	switch k := k.(type) {
	case nil:
		return classNull, 0
	case int64, float64:
		return classNumber, 0
	case string:
		return classString, 0
	case []byte:
		return classBlob, k[0]
	}
	return classNull, 0
}

// compareKeys orders keys as SQLite does (and so as MongoDB does).
func compareKeys(a, b any) int {
	ca, ra := classOf(a)
	cb, rb := classOf(b)
	if ca != cb {
		return int(ca) - int(cb)
	}
	switch ca {
	case classNull:
		return 0
	case classNumber:
		x, y := toFloat(a), toFloat(b)
		if ai, ok := a.(int64); ok {
			if bi, ok := b.(int64); ok {
				switch {
				case ai < bi:
					return -1
				case ai > bi:
					return 1
				}
				return 0
			}
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case classString:
		return strings.Compare(a.(string), b.(string))
	}
	if ra != rb {
		return int(ra) - int(rb)
	}
	return bytes.Compare(a.([]byte), b.([]byte))
}

func toFloat(k any) float64 {
	switch k := k.(type) {
	case int64:
		return float64(k)
	case float64:
		return k
	}
	return 0
}

// classBounds are the SQL bounds of a class, so a range stays within its type as MongoDB's
// comparison operators do: numbers lie below the empty string, strings below the empty
// blob, and a blob class below the next rank.
func classBounds(k any) (low any, lowInclusive bool, high any) {
	c, rank := classOf(k)
	switch c {
	case classNumber:
		return math.Inf(-1), true, ""
	case classString:
		return "", true, []byte{}
	case classBlob:
		return []byte{rank}, true, []byte{rank + 1}
	}
	return nil, false, nil
}

// lookupPath walks a dotted path through embedded documents. The second result says the
// walk met an array on the way (MongoDB then matches element-wise; see multikey paths).
func lookupPath(doc bsoncore.Document, path string) (bsoncore.Value, bool, bool) {
	cur := doc
	for {
		head, rest, more := strings.Cut(path, ".")
		v, err := cur.LookupErr(head)
		if err != nil {
			return bsoncore.Value{}, false, false
		}
		if !more {
			return v, true, false
		}
		switch v.Type {
		case bsoncore.TypeEmbeddedDocument:
			cur, path = v.Document(), rest
		case bsoncore.TypeArray:
			return bsoncore.Value{}, false, true
		default:
			return bsoncore.Value{}, false, false
		}
	}
}

// docKey is the SQLite function behind every index and pushed-down condition:
// mkey(doc, 'a.b') is the key of the value at that path, NULL when it is missing.
func docKey(doc []byte, path string) any {
	v, ok, _ := lookupPath(bsoncore.Document(doc), path)
	if !ok {
		return nil
	}
	return keyOf(v)
}
