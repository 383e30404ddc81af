package local

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/messaging"
)

// `werkregio keys` gives each service a private key of its own in the Secret and every
// public key — the region's and the other regions' sroi keys it was told to trust — in the
// ConfigMap; what one service signs, the set verifies as that service.
func TestKeysMakeASecretPerServiceAndTheSetTheyTrust(t *testing.T) {
	var flevo bytes.Buffer
	if err := keys([]string{"-region", "flevoland"}, &flevo); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(flevo.String()), "\n")
	share := filepath.Join(t.TempDir(), "flevoland-sroi.json")
	if err := os.WriteFile(share, []byte(strings.TrimPrefix(lines[len(lines)-1], "# ")), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := keys([]string{"-region", "groningen", "-trust", share}, &out); err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(out.String(), "\n---\n")
	var secret struct{ StringData map[string]string }
	var cm struct{ Data map[string]string }
	if err := json.Unmarshal([]byte(docs[0]), &secret); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(strings.SplitN(docs[1], "\n", 2)[0]), &cm); err != nil {
		t.Fatal(err)
	}
	trusted, err := messaging.ParsePublicKeys([]byte(cm.Data["keys.json"]))
	if err != nil || trusted.Len() != len(catalog.Services)+1 {
		t.Fatalf("trusted keys: %v, %v", trusted, err)
	}
	if !trusted.Has("flevoland/sroi") {
		t.Fatal("the other region's sroi key is not trusted")
	}
	for _, s := range catalog.Services {
		key, err := messaging.ParseSigningKey([]byte(secret.StringData[s.Name]))
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		m := kafka.Message{Topic: "groningen.x", Value: []byte("{}"), Headers: []kafka.Header{{Key: messaging.HeaderID, Value: []byte("1")}}}
		if err := messaging.Sign(&m, key); err != nil {
			t.Fatal(err)
		}
		if kid, err := messaging.VerifyOrigin(m, trusted); err != nil || kid != "groningen/"+s.Name {
			t.Fatalf("%s: %q, %v", s.Name, kid, err)
		}
	}
}
