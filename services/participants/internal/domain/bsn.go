package domain

import "github.com/werkregio/platform/services/kit/civil"

// NormalizeBSN returns the 9-digit form of a burgerservicenummer and whether it passes the
// 11-proef (the kit's one check).
func NormalizeBSN(s string) (string, bool) { return civil.NormalizeBSN(s) }

// SealedBSN is the encrypted BSN as stored; only the vault that sealed it can open it.
type SealedBSN struct {
	KeyID      string
	Ciphertext string
}
