package adapters

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/participants/internal/domain"
)

func key(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func TestVaultSealsOpensAndBindsToTheParticipant(t *testing.T) {
	v, err := NewVault(key(32), key(32))
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Seal("prt-1", "111222333")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(s.Ciphertext)
	if strings.Contains(string(raw), "111222333") || strings.Contains(s.Ciphertext, "111222333") {
		t.Fatal("ciphertext holds the BSN in the clear")
	}
	if got, err := v.Open("prt-1", s); err != nil || got != "111222333" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := v.Open("prt-2", s); err == nil {
		t.Fatal("a sealed BSN opened for another participant")
	}
	other, _ := NewVault(key(32), key(32))
	if _, err := other.Open("prt-1", s); err == nil {
		t.Fatal("opened with another key")
	}
	first, again := v.Lookup("111222333"), v.Lookup("111222333")
	if first != again || first == v.Lookup("123456782") {
		t.Fatal("lookup hash must be stable and distinct")
	}
	if v.Lookup("111222333") == other.Lookup("111222333") {
		t.Fatal("lookup hash must depend on the key")
	}
	_ = domain.SealedBSN(s)
}

func TestVaultRefusesBadKeys(t *testing.T) {
	for _, c := range [][2]string{{"", key(32)}, {key(16), key(32)}, {key(32), key(8)}, {"not base64!", key(32)}} {
		if _, err := NewVault(c[0], c[1]); err == nil {
			t.Errorf("accepted keys %q / %q", c[0], c[1])
		}
	}
	same := key(32)
	if _, err := NewVault(same, same); err == nil {
		t.Error("accepted equal keys")
	}
}
