package eventkeys

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"testing"
)

// A generated key signs, and its public half (alone in the set) verifies.
func TestAGeneratedKeySignsAndItsPublicHalfVerifies(t *testing.T) {
	p, err := Generate("groningen", "payments")
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := base64.RawURLEncoding.DecodeString(p.Private.D)
	x, _ := base64.RawURLEncoding.DecodeString(p.Public.X)
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte("milestone"))
	if !ed25519.Verify(x, []byte("milestone"), sig) || p.Public.Kid != "groningen/payments" {
		t.Fatal("the public half does not verify the private key's signature")
	}
	pub, err := PublicOf(p.Private.Marshal())
	if err != nil || pub != p.Public {
		t.Fatalf("public of private: %+v, %v", pub, err)
	}
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(Set(p.Private), &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["d"] != nil {
		t.Fatalf("set leaks the private key: %s", Set(p.Private))
	}
}
