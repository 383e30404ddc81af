package messaging_test

import (
	"encoding/json"

	"errors"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/segmentio/kafka-go"
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

// A message signed by a registered key proves its sender; unsigned, signed by another
// key, moved to another region's topic or changed in any attribute or byte, it does not.
func TestASignatureProvesWhoSentAMessageAndWhere(t *testing.T) {
	const topic = "groningen.partners.placements.v1"
	keys := func(source string) []byte { raw, _ := json.Marshal(kittest.PartnerKeys(source)); return raw }
	uwv, err := messaging.ParsePublicKeys(keys("/uwv"))
	if err != nil {
		t.Fatal(err)
	}
	msg := kittest.CloudEvent("p-1", "nl.werkregio.partners.placement.confirmed", "/uwv", "enr-1", []byte(`{"enrolmentId":"enr-1"}`))
	good := kittest.SignAsPartner(topic, msg)
	good.Topic = topic
	if kid, err := messaging.VerifyOrigin(good, uwv); err != nil || kid == "" {
		t.Fatalf("UWV's own message: %q, %v", kid, err)
	}
	forged := kittest.SignAsPartner(topic, kittest.CloudEvent("p-1", "nl.werkregio.partners.placement.confirmed", "/uwv", "enr-1", []byte(`{"enrolmentId":"enr-1"}`)))
	forged.Topic = topic
	// an employer's system signs with its own key, claiming UWV's source
	forged = resign(t, forged, "/hr/87654321")
	other := good
	other.Topic = "flevoland.partners.placements.v1"
	changed := good
	changed.Value = []byte(`{"enrolmentId":"enr-2"}`)
	unsigned := kittest.Unsigned(msg)
	unsigned.Topic = topic
	for name, m := range map[string]any{"signed by another system's key": forged, "replayed on another region's topic": other,
		"data changed": changed, "unsigned": unsigned} {
		_, err := messaging.VerifyOrigin(asMessage(m), uwv)
		if !errors.Is(err, messaging.ErrOriginNotProven) || !strings.HasPrefix(err.Error(), "origin not proven") {
			t.Errorf("%s: %v", name, err)
		}
	}
	private, _ := json.Marshal(map[string]any{"keys": []any{kittest.PartnerKey("/uwv")}})
	if _, err := messaging.ParsePublicKeys(private); err == nil {
		t.Error("a private key was accepted for registration")
	}
}

type kafkaMessage = kafka.Message

func asMessage(v any) kafkaMessage { return v.(kafkaMessage) }

// resign signs m again with the key of another partner system, keeping its ce_source.
func resign(t *testing.T, m kafka.Message, as string) kafka.Message {
	t.Helper()
	if err := messaging.Sign(&m, kittest.PartnerKey(as)); err != nil {
		t.Fatal(err)
	}
	return m
}

// A partner signs with any JOSE library: a detached JWS made by another implementation
// (jwx) proves the message, and what the platform signs verifies there.
func TestSignaturesAreStandardDetachedJWS(t *testing.T) {
	const topic = "groningen.partners.attendance.v1"
	key := kittest.PartnerKey("/lms/other-library")
	m := kittest.CloudEvent("a-1", "nl.werkregio.partners.attendance.reported.v1", "/lms/other-library", "enr-1", []byte(`{"hours":4}`))
	m.Topic = topic
	sig, err := jws.Sign(nil, jws.WithKey(jwa.EdDSA(), key), jws.WithDetachedPayload(messaging.SigningInput(m)))
	if err != nil {
		t.Fatal(err)
	}
	m.Headers = append(m.Headers, kafka.Header{Key: messaging.HeaderSignature, Value: sig})
	raw, _ := json.Marshal(kittest.PartnerKeys("/lms/other-library"))
	keys, err := messaging.ParsePublicKeys(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := messaging.VerifyOrigin(m, keys); err != nil {
		t.Fatalf("another library's signature: %v", err)
	}
	ours := kittest.CloudEvent("a-2", "nl.werkregio.partners.attendance.reported.v1", "/lms/other-library", "enr-1", []byte(`{"hours":4}`))
	ours.Topic = topic
	if err := messaging.Sign(&ours, key); err != nil {
		t.Fatal(err)
	}
	pub, _ := key.PublicKey()
	if _, err := jws.Verify([]byte(kittest.Header(ours, messaging.HeaderSignature)), jws.WithKey(jwa.EdDSA(), pub),
		jws.WithDetachedPayload(messaging.SigningInput(ours))); err != nil {
		t.Fatalf("ours in another library: %v", err)
	}
}
