package local

import (
	"crypto/rand"
	"strings"

	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/eventkeys"
	"os"
	"path/filepath"
)

// loadOrCreateSecrets keeps the BSN keys and the services' event signing keys of the local
// platform in <dir>/auth/secrets.json (mode 0600): a restart must open the BSNs sealed
// before it, and read the events signed before it. In Kubernetes they come from Secrets.
func loadOrCreateSecrets(dir, region string) (secrets, error) {
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
	if s.EventSigningKeys == nil {
		s.EventSigningKeys = map[string]string{}
	}
	for _, svc := range catalog.Services {
		if _, err := eventkeys.PublicOf([]byte(s.EventSigningKeys[svc.Name])); err == nil && strings.HasPrefix(kidOf(s.EventSigningKeys[svc.Name]), region+"/") {
			continue
		}
		p, err := eventkeys.Generate(region, svc.Name)
		if err != nil {
			return s, err
		}
		s.EventSigningKeys[svc.Name], changed = string(p.Private.Marshal()), true
	}
	if !changed {
		return s, nil
	}
	raw, _ = json.MarshalIndent(s, "", "  ")
	return s, os.WriteFile(path, raw, 0o600)
}

// kidOf is the kid of a JWK ("" when it does not read).
func kidOf(raw string) string {
	k, err := eventkeys.PublicOf([]byte(raw))
	if err != nil {
		return ""
	}
	return k.Kid
}
