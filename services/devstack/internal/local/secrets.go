package local

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// loadOrCreateSecrets keeps the BSN keys of the local platform in <dir>/auth/secrets.json
// (mode 0600): a restart must open the BSNs sealed before it. In Kubernetes they come from
// a Secret instead.
func loadOrCreateSecrets(dir string) (secrets, error) {
	path := filepath.Join(dir, "auth", "secrets.json")
	var s secrets
	key := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	raw, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(raw, &s); err != nil {
			return s, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return s, err
	}
	// A data directory from before a key was added gets that key; the others stay.
	changed := false
	for _, k := range []*string{&s.BSNEncryptionKey, &s.BSNLookupKey, &s.PersonPseudonymKey, &s.PortalSessionKey} {
		if *k == "" {
			*k, changed = key(), true
		}
	}
	if !changed {
		return s, nil
	}
	raw, _ = json.MarshalIndent(s, "", "  ")
	return s, os.WriteFile(path, raw, 0o600)
}
