package config

import (
	"strings"
	"testing"
	"time"
)

func TestEnvCollectsEveryProblem(t *testing.T) {
	env := FromMap(map[string]string{
		"PORT":    "abc",
		"LEVEL":   "loud",
		"TIMEOUT": "soon",
		"BROKERS": "a:1, ,b:2",
	})
	env.Int("PORT", 8080, 1, 65535)
	env.OneOf("LEVEL", "info", "debug", "info")
	env.Duration("TIMEOUT", time.Second)
	env.Required("MONGO_URI")
	brokers := env.List("BROKERS", nil)

	err := env.Err()
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, want := range []string{"PORT", "LEVEL", "TIMEOUT", "MONGO_URI: is required"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if len(brokers) != 2 || brokers[1] != "b:2" {
		t.Errorf("brokers = %v", brokers)
	}
}

func TestEnvDefaults(t *testing.T) {
	env := FromMap(nil)
	if env.Int("PORT", 8080, 1, 65535) != 8080 || env.String("X", "y") != "y" || env.Err() != nil {
		t.Fatal("defaults not applied")
	}
}
