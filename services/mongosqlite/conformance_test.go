package mongosqlite_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/mongosqlite"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// conformanceClient is a client of the server under test: WERKREGIO_MONGO_URI when it names
// a MongoDB (a replica set: change streams need one), this server otherwise.
func conformanceClient(t *testing.T) *mongo.Client {
	t.Helper()
	uri := os.Getenv("WERKREGIO_MONGO_URI")
	if uri == "" {
		srv, err := mongosqlite.New(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = ln.Close(); srv.Close() })
		uri = "mongodb://" + ln.Addr().String() + "/?directConnection=true"
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client
}

// What this server claims (README.md) behaves as MongoDB's does, in MongoDB's unified test
// format: the same files pass against a real MongoDB (WERKREGIO_MONGO_URI).
func TestWhatItClaimsBehavesAsMongoDB(t *testing.T) {
	client := conformanceClient(t)
	for _, f := range unifiedFiles(t, filepath.Join("testdata", "unified")) {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) { runUnifiedFile(t, client, f, nil, false) })
	}
}

// MongoDB's own specification tests (mongodb/specifications, source/crud and
// source/change-streams), run from a checkout named by MONGODB_SPECIFICATIONS: the ones in
// testdata/specifications.txt, the part of them that covers what this server claims, pass.
// They are not copied here: their licence (CC BY-NC-SA 3.0) is not the platform's.
func TestMongoDBsOwnSpecificationTests(t *testing.T) {
	dir := os.Getenv("MONGODB_SPECIFICATIONS")
	if dir == "" {
		t.Skip("MONGODB_SPECIFICATIONS names no checkout of mongodb/specifications")
	}
	client := conformanceClient(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "specifications.txt"))
	if err != nil {
		t.Fatal(err)
	}
	claimed := map[string]map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		file, test, ok := strings.Cut(strings.TrimSpace(line), " | ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if claimed[file] == nil {
			claimed[file] = map[string]bool{}
		}
		claimed[file][test] = true
	}
	for file, tests := range claimed {
		t.Run(file, func(t *testing.T) { runUnifiedFile(t, client, filepath.Join(dir, file), tests, false) })
	}
}
