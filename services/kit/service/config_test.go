package service

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/config"
)

func base() map[string]string {
	return map[string]string{"REGION": "groningen", "KAFKA_BROKERS": "kafka:9092", "MONGO_URI": "mongodb://m", "AUTH_ISSUER": "i", "AUTH_JWKS_URL": "https://i/jwks",
		"EVENT_SIGNING_KEY_FILE": "/keys/own.jwk", "EVENT_KEYS_FILE": "/keys/trusted.json"}
}

func TestKafkaSecurityFromTheEnvironment(t *testing.T) {
	env := base()
	env["KAFKA_SASL_USERNAME"], env["KAFKA_SASL_PASSWORD"], env["KAFKA_SASL_MECHANISM"], env["KAFKA_TLS"] = "u", "p", "scram-sha-512", "true"
	c, err := LoadConfig("procurement", config.FromMap(env))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.KafkaSecurity; s.Username != "u" || s.Password != "p" || s.Mechanism != "scram-sha-512" || !s.TLS {
		t.Fatalf("security %+v", s)
	}
	if _, err := c.KafkaSecurity.Dialer(); err != nil {
		t.Fatal(err)
	}

	for name, bad := range map[string]map[string]string{
		"username without password": {"KAFKA_SASL_USERNAME": "u"},
		"unknown mechanism":         {"KAFKA_SASL_MECHANISM": "kerberos"},
	} {
		env := base()
		for k, v := range bad {
			env[k] = v
		}
		if _, err := LoadConfig("procurement", config.FromMap(env)); err == nil || !strings.Contains(err.Error(), "KAFKA_SASL") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
