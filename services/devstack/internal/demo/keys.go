package demo

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/werkregio/platform/contracts/eventkeys"
	"github.com/werkregio/platform/services/kit/messaging"
)

// The demo's partner systems sign their messages as real ones do, each with a key of its
// own; the region registers the public half with the system.
var partnerSigningKeys sync.Map

func partnerKey(source string) (eventkeys.Pair, error) {
	if p, ok := partnerSigningKeys.Load(source); ok {
		return p.(eventkeys.Pair), nil
	}
	p, err := eventkeys.New("demo" + strings.ReplaceAll(source, "/", "-"))
	if err != nil {
		return eventkeys.Pair{}, err
	}
	actual, _ := partnerSigningKeys.LoadOrStore(source, p)
	return actual.(eventkeys.Pair), nil
}

// partnerSigner is the private key a demo partner system signs with.
func partnerSigner(source string) (jwk.Key, error) {
	p, err := partnerKey(source)
	if err != nil {
		return nil, err
	}
	return messaging.ParseSigningKey(p.Private.Marshal())
}

// partnerKeys is the JWK Set of the public key of the demo's partner system source.
func partnerKeys(source string) (obj, error) {
	p, err := partnerKey(source)
	if err != nil {
		return nil, err
	}
	var set obj
	err = json.Unmarshal(eventkeys.Set(p.Public), &set)
	return set, err
}
