package kittest

import (
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	kit "github.com/werkregio/platform/services/kit/service"
)

// Bench is a harness's own platform: the embedded infrastructure in a temporary directory,
// a token issuer with its keys, and a producer that publishes as partners and other services
// do. One service runs in the harness's process (Launch), logging to nowhere.
type Bench struct {
	Infra    *Infra
	Issuer   *auth.DevIssuer
	Producer *Publisher
	jwks     string
	dir      string
	stops    []func()
}

// StartBench starts a harness's platform; Close stops it and removes its data.
func StartBench(name string) (*Bench, error) {
	dir, err := os.MkdirTemp("", "werkregio-bench-"+name+"-*")
	if err != nil {
		return nil, err
	}
	b := &Bench{dir: dir, jwks: filepath.Join(dir, "jwks.json")}
	if b.Infra, err = Start(filepath.Join(dir, "data")); err != nil {
		b.Close()
		return nil, err
	}
	if b.Issuer, err = auth.NewDevIssuer("bench-issuer", "werkregio"); err != nil {
		b.Close()
		return nil, err
	}
	if err := b.Issuer.WritePublicSet(b.jwks); err != nil {
		b.Close()
		return nil, err
	}
	b.Producer = NewPublisher([]string{b.Infra.Kafka}, "/bench")
	return b, nil
}

// Launch starts a service of the region on the harness's platform with its settings and
// returns its URL and platform; Close stops it.
func (b *Bench) Launch(name, prefix string, opts kit.Options, wire func(*kit.Platform) error, settings map[string]string) (string, *kit.Platform, error) {
	env := map[string]string{"REGION": Region, "KAFKA_BROKERS": b.Infra.Kafka, "MONGO_URI": b.Infra.MongoURI, "MONGO_DATABASE": name + "-bench",
		"KAFKA_TOPIC_PREFIX": prefix, "AUTH_ISSUER": "bench-issuer", "AUTH_JWKS_FILE": b.jwks, "LOG_LEVEL": "warn", "OUTBOX_POLL_INTERVAL": "200ms"}
	for k, v := range EventKeyEnv(Region, name) {
		env[k] = v
	}
	for k, v := range settings {
		env[k] = v
	}
	opts.LogOutput = io.Discard
	url, p, stop, err := Launch(name, env, opts, wire)
	if err == nil {
		b.stops = append(b.stops, stop)
	}
	return url, p, err
}

// Token is a token of the region for an organisation in a role, valid for hours.
func (b *Bench) Token(org string, role auth.Role) (string, error) {
	return b.Issuer.Issue(auth.Principal{Subject: string(role) + "@" + org, Region: Region, Org: org, Roles: []auth.Role{role}}, 6*time.Hour)
}

// Close stops the services, the producer and the infrastructure, and removes the data.
func (b *Bench) Close() {
	for i := len(b.stops) - 1; i >= 0; i-- {
		b.stops[i]()
	}
	if b.Producer != nil {
		_ = b.Producer.Close()
	}
	if b.Infra != nil {
		b.Infra.Stop()
	}
	_ = os.RemoveAll(b.dir)
}
