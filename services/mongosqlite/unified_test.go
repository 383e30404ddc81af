package mongosqlite_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A runner of MongoDB's unified test format (mongodb/specifications, source/unified-test-format),
// the subset the CRUD and change-stream tests use: entities (client, database, collection,
// change stream), initial data, operations with their expected result or error, and the
// collections' contents after. Results are matched as the format says: a root document may
// hold more fields than expected, a nested one may not; numbers compare by value; $$exists,
// $$type, $$unsetOrMatches and $$lte are understood. Command monitoring (expectEvents) is not:
// what is checked is what a caller sees and what is stored.

type unifiedFile struct {
	Description    string        `bson:"description"`
	CreateEntities []bson.Raw    `bson:"createEntities"`
	InitialData    []initialData `bson:"initialData"`
	Tests          []unifiedTest `bson:"tests"`
	RunOn          []bson.Raw    `bson:"runOnRequirements"`
}

type initialData struct {
	Collection string   `bson:"collectionName"`
	Database   string   `bson:"databaseName"`
	Documents  []bson.D `bson:"documents"`
}

type unifiedTest struct {
	Description string        `bson:"description"`
	Operations  []operation   `bson:"operations"`
	Outcome     []initialData `bson:"outcome"`
	Skip        string        `bson:"skipReason"`
	RunOn       []bson.Raw    `bson:"runOnRequirements"`
	Extra       bson.M        `bson:",inline"` // expectEvents: command monitoring is not checked
}

type operation struct {
	Object       string    `bson:"object"`
	Name         string    `bson:"name"`
	Arguments    bson.Raw  `bson:"arguments"`
	ExpectResult any       `bson:"expectResult"`
	ExpectError  *bson.Raw `bson:"expectError"`
	SaveResultAs string    `bson:"saveResultAsEntity"`
	Ignore       bool      `bson:"ignoreResultAndError"`
	Extra        bson.M    `bson:",inline"` // expectEvents and the like: not claimed
}

// entities of one test file.
type entities struct {
	client      *mongo.Client
	databases   map[string]*mongo.Database
	collections map[string]*mongo.Collection
	streams     map[string]*mongo.ChangeStream
}

// errNotClaimed: the test uses what the runner (and so the server's claim) does not cover.
var errNotClaimed = errors.New("not claimed")

// runUnifiedFile runs every test of a file on client; only (description -> true) when only
// is not nil. skipUnclaimed: a test using what the runner does not cover is skipped, not failed.
func runUnifiedFile(t *testing.T, client *mongo.Client, path string, only map[string]bool, skipUnclaimed bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f unifiedFile
	if err := bson.UnmarshalExtJSON(raw, false, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, tc := range f.Tests {
		if only != nil && !only[tc.Description] {
			continue
		}
		t.Run(tc.Description, func(t *testing.T) {
			if tc.Skip != "" {
				t.Skip(tc.Skip)
			}
			if why := unmet(client, append(f.RunOn, tc.RunOn...)); why != "" {
				t.Skip(why)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			ents, err := createEntities(ctx, client, f)
			if err != nil {
				t.Fatal(err)
			}
			defer ents.close(ctx)
			for i, op := range tc.Operations {
				err := ents.run(ctx, op)
				if skipUnclaimed && errors.Is(err, errNotClaimed) {
					t.Skip(err)
				}
				if err != nil {
					t.Fatalf("operation %d (%s): %v", i, op.Name, err)
				}
			}
			for _, want := range tc.Outcome {
				checkCollection(ctx, t, client, want)
			}
		})
	}
}

func createEntities(ctx context.Context, client *mongo.Client, f unifiedFile) (*entities, error) {
	ents := &entities{client: client, databases: map[string]*mongo.Database{}, collections: map[string]*mongo.Collection{}, streams: map[string]*mongo.ChangeStream{}}
	for _, raw := range f.CreateEntities {
		var e struct {
			Database *struct {
				ID     string `bson:"id"`
				DBName string `bson:"databaseName"`
			} `bson:"database"`
			Collection *struct {
				ID       string `bson:"id"`
				Database string `bson:"database"`
				Name     string `bson:"collectionName"`
			} `bson:"collection"`
		}
		if err := bson.Unmarshal(raw, &e); err != nil {
			return nil, err
		}
		switch {
		case e.Database != nil:
			ents.databases[e.Database.ID] = client.Database(e.Database.DBName)
		case e.Collection != nil:
			ents.collections[e.Collection.ID] = ents.databases[e.Collection.Database].Collection(e.Collection.Name)
		}
	}
	for _, d := range f.InitialData {
		coll := client.Database(d.Database).Collection(d.Collection)
		if err := coll.Drop(ctx); err != nil {
			return nil, err
		}
		if err := client.Database(d.Database).CreateCollection(ctx, d.Collection); err != nil && !isNamespaceExists(err) {
			return nil, err
		}
		if len(d.Documents) > 0 {
			if _, err := coll.InsertMany(ctx, d.Documents); err != nil {
				return nil, err
			}
		}
	}
	return ents, nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

func (e *entities) close(ctx context.Context) {
	for _, s := range e.streams {
		_ = s.Close(ctx)
	}
}

// run performs one operation and checks its result or error.
func (e *entities) run(ctx context.Context, op operation) error {
	got, err := e.perform(ctx, op)
	if errors.Is(err, errNotClaimed) {
		return err
	}
	if len(op.Extra) > 0 {
		return fmt.Errorf("%w: %v", errNotClaimed, op.Extra)
	}
	if op.Ignore {
		return nil
	}
	if op.ExpectError != nil {
		return checkError(err, *op.ExpectError)
	}
	if err != nil {
		return fmt.Errorf("unexpected error: %w", err)
	}
	if op.ExpectResult != nil {
		if msg := match(op.ExpectResult, got, true); msg != "" {
			return fmt.Errorf("result %s: %s", js(got), msg)
		}
	}
	return nil
}

func checkError(err error, want bson.Raw) error {
	if err == nil {
		return fmt.Errorf("expected an error (%s), got none", want)
	}
	var w struct {
		IsError       bool     `bson:"isError"`
		IsClientError *bool    `bson:"isClientError"`
		ErrorContains string   `bson:"errorContains"`
		ErrorCode     *int32   `bson:"errorCode"`
		CodeName      string   `bson:"errorCodeName"`
		Labels        []string `bson:"errorLabelsContain"`
	}
	if e := bson.Unmarshal(want, &w); e != nil {
		return e
	}
	var se mongo.ServerError
	isServer := errors.As(err, &se)
	if w.IsClientError != nil && *w.IsClientError == isServer {
		return fmt.Errorf("error %w: client error %v expected", err, *w.IsClientError)
	}
	if w.ErrorContains != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(w.ErrorContains)) {
		return fmt.Errorf("error \"%w\" does not contain %q", err, w.ErrorContains)
	}
	if w.ErrorCode != nil && (!isServer || !se.HasErrorCode(int(*w.ErrorCode))) {
		return fmt.Errorf("error %w: code %d expected", err, *w.ErrorCode)
	}
	if w.CodeName != "" {
		var ce mongo.CommandError
		var we mongo.WriteException
		switch {
		case errors.As(err, &ce) && ce.Name == w.CodeName:
		case errors.As(err, &we) && len(we.WriteErrors) > 0 && codeName(we.WriteErrors[0].Code) == w.CodeName:
		default:
			return fmt.Errorf("error %w: %s expected", err, w.CodeName)
		}
	}
	return nil
}

func codeName(code int) string {
	if code == 11000 {
		return "DuplicateKey"
	}
	return fmt.Sprint(code)
}

// checkCollection compares a collection with the expected documents, in _id order, exactly.
func checkCollection(ctx context.Context, t *testing.T, client *mongo.Client, want initialData) {
	t.Helper()
	cur, err := client.Database(want.Database).Collection(want.Collection).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	var got []bson.D
	if err := cur.All(ctx, &got); err != nil {
		t.Fatal(err)
	}
	wantDocs := make([]any, len(want.Documents))
	for i, d := range want.Documents {
		wantDocs[i] = d
	}
	gotDocs := make([]any, len(got))
	for i, d := range got {
		gotDocs[i] = d
	}
	if msg := match(bson.A(wantDocs), bson.A(gotDocs), false); msg != "" {
		t.Errorf("collection %s holds %s: %s", want.Collection, js(got), msg)
	}
}

// match says how actual differs from expected ("" when it matches). root: extra fields allowed.
func match(expected, actual any, root bool) string {
	switch exp := expected.(type) {
	case bson.D:
		if len(exp) == 1 && strings.HasPrefix(exp[0].Key, "$$") {
			return special(exp[0].Key, exp[0].Value, actual, root)
		}
		act, ok := actual.(bson.D)
		if !ok {
			return fmt.Sprintf("%s is not a document", js(actual))
		}
		have := map[string]any{}
		for _, e := range act {
			have[e.Key] = e.Value
		}
		for _, e := range exp {
			v, present := have[e.Key]
			if sp, ok := e.Value.(bson.D); ok && len(sp) == 1 && (sp[0].Key == "$$exists" || sp[0].Key == "$$unsetOrMatches") {
				if sp[0].Key == "$$exists" {
					if present != wantTrue(sp[0].Value) {
						return fmt.Sprintf("%s: present %v, expected %v", e.Key, present, sp[0].Value)
					}
					continue
				}
				if !present {
					continue
				}
			} else if !present {
				return fmt.Sprintf("%s is missing", e.Key)
			}
			if msg := match(e.Value, v, false); msg != "" {
				return e.Key + ": " + msg
			}
		}
		if !root {
			want := map[string]bool{}
			for _, e := range exp {
				want[e.Key] = true
			}
			for _, e := range act {
				if !want[e.Key] {
					return fmt.Sprintf("unexpected field %s", e.Key)
				}
			}
		}
		return ""
	case bson.A:
		act, ok := actual.(bson.A)
		if !ok {
			return fmt.Sprintf("%s is not an array", js(actual))
		}
		if len(act) != len(exp) {
			return fmt.Sprintf("%d elements, expected %d", len(act), len(exp))
		}
		for i := range exp {
			if msg := match(exp[i], act[i], root && isDoc(exp[i])); msg != "" {
				return fmt.Sprintf("[%d]: %s", i, msg)
			}
		}
		return ""
	default:
		if a, ok := number(actual); ok {
			if e, ok := number(expected); ok && a == e {
				return ""
			}
		}
		if fmt.Sprint(js(expected)) == fmt.Sprint(js(actual)) {
			return ""
		}
		return fmt.Sprintf("%s, expected %s", js(actual), js(expected))
	}
}

func isDoc(v any) bool { _, ok := v.(bson.D); return ok }

func special(op string, arg, actual any, root bool) string {
	switch op {
	case "$$unsetOrMatches":
		if actual == nil {
			return ""
		}
		return match(arg, actual, root)
	case "$$exists":
		if (actual != nil) != wantTrue(arg) {
			return fmt.Sprintf("exists %v, expected %v", actual != nil, arg)
		}
		return ""
	case "$$type":
		types := []string{}
		switch a := arg.(type) {
		case string:
			types = append(types, a)
		case bson.A:
			for _, x := range a {
				types = append(types, fmt.Sprint(x))
			}
		}
		for _, ty := range types {
			if typeName(actual) == ty || (ty == "number" && isNumber(actual)) {
				return ""
			}
		}
		return fmt.Sprintf("type %s, expected %v", typeName(actual), types)
	case "$$lte":
		a, ok1 := number(actual)
		e, ok2 := number(arg)
		if ok1 && ok2 && a <= e {
			return ""
		}
		return fmt.Sprintf("%v is not <= %v", actual, arg)
	}
	return op + " is not understood"
}

func typeName(v any) string {
	switch v.(type) {
	case int32:
		return "int"
	case int64:
		return "long"
	case float64:
		return "double"
	case string:
		return "string"
	case bson.D:
		return "object"
	case bson.A:
		return "array"
	case bool:
		return "bool"
	case bson.ObjectID:
		return "objectId"
	case bson.DateTime:
		return "date"
	case bson.Timestamp:
		return "timestamp"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func isNumber(v any) bool { _, ok := number(v); return ok }

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, !math.IsNaN(n)
	case int:
		return float64(n), true
	}
	return 0, false
}

func wantTrue(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	n, ok := number(v)
	return ok && n != 0
}

// unifiedFiles lists a directory's test files.
func unifiedFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// js renders a value as relaxed extended JSON, in field order.
func js(v any) string {
	raw, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		return err.Error()
	}
	return string(raw[len(`{"v":`) : len(raw)-1])
}

// unmet says why a server does not meet a test's runOnRequirements ("" when it does): its
// version, and single server or replica set (what this server and a development MongoDB are).
func unmet(client *mongo.Client, reqs []bson.Raw) string {
	if len(reqs) == 0 {
		return ""
	}
	version, topology := serverOf(client)
	var why []string
	for _, raw := range reqs {
		var r struct {
			Min        string   `bson:"minServerVersion"`
			Max        string   `bson:"maxServerVersion"`
			Topologies []string `bson:"topologies"`
			Serverless string   `bson:"serverless"`
			Rest       bson.M   `bson:",inline"`
		}
		if err := bson.Unmarshal(raw, &r); err != nil {
			return err.Error()
		}
		switch {
		case len(r.Rest) > 0:
			why = append(why, fmt.Sprintf("requires %v", r.Rest))
		case r.Min != "" && versionBefore(version, r.Min):
			why = append(why, "requires MongoDB "+r.Min)
		case r.Max != "" && versionBefore(r.Max, version):
			why = append(why, "requires MongoDB up to "+r.Max)
		case len(r.Topologies) > 0 && !slices.Contains(r.Topologies, topology):
			why = append(why, fmt.Sprintf("requires %v", r.Topologies))
		case r.Serverless == "require":
			why = append(why, "requires serverless")
		default:
			return "" // one set of requirements met is enough
		}
	}
	return strings.Join(why, "; ")
}

func serverOf(client *mongo.Client) (version, topology string) {
	var info struct {
		Version string `bson:"version"`
	}
	_ = client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info)
	var hello struct {
		SetName string `bson:"setName"`
	}
	_ = client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "hello", Value: 1}}).Decode(&hello)
	if hello.SetName != "" {
		return info.Version, "replicaset"
	}
	return info.Version, "single"
}

// versionBefore compares dotted versions (4.99 < 7.0.0 < 8.0).
func versionBefore(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
