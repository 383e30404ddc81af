// Package service is the one wiring place every werkregio service shares: configuration,
// logging, telemetry, MongoDB, Kafka, authentication and the HTTP server, started and
// stopped in the right order.
package service

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/config"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/tlsfiles"
)

// Config is what every service reads from its environment.
type Config struct {
	Name    string
	Version string
	// Region is the labour-market region this instance serves (e.g. groningen).
	Region   string
	HTTPAddr string
	// OpsAddr is the internal listener: /healthz, /readyz and /metrics for the kubelet and
	// the metrics scraper, never routed from outside.
	OpsAddr string

	KafkaBrokers  []string
	KafkaSecurity messaging.Security
	TopicPrefix   string
	// SharedTopicPrefix names the topics all regions share (catalog.Topic.Shared).
	SharedTopicPrefix string
	TopicPartitions   int
	ReplicationFactor int

	MongoURI      string
	MongoDatabase string
	// MongoTLS are the CA and client certificate files of a TLS connection (MONGO_TLS_*).
	MongoTLS tlsfiles.Files

	OTLPEndpoint string
	SampleRatio  float64
	LogLevel     string

	AuthIssuer   string
	AuthAudience string
	AuthJWKSFile string
	AuthJWKSURL  string
	// EventSigningKey (or the file EventSigningKeyFile) is the private JWK the service signs
	// every event with, kid "<region>/<service>"; EventKeys (or EventKeysFile) the public
	// keys of the services whose events it reads (its region's, and every region's sroi for
	// the shared candidate-months topic).
	EventSigningKey, EventSigningKeyFile string
	EventKeys, EventKeysFile             string
	// RequestTimeout bounds an API request: one its database does not answer in time
	// answers 503 with Retry-After.
	RequestTimeout time.Duration
	// AuthJWKSMaxAge: keys not read again for this long are no longer trusted.
	AuthJWKSMaxAge time.Duration
	// AuthMaxTokenLifetime and AuthClockSkew bound the tokens accepted.
	AuthMaxTokenLifetime time.Duration
	AuthClockSkew        time.Duration

	// RelayInterval is how often a replica without the relay's lease asks for it again.
	RelayInterval time.Duration
	// RelayLeaseSlot is how long one replica's relay holds the lease before it is renewed
	// (failover after a crash takes at most about this long).
	RelayLeaseSlot time.Duration
	// MaxMessageBytes is the largest event the broker accepts; larger ones are parked.
	MaxMessageBytes int
	ShutdownTimeout time.Duration
	// ConsumerFast shortens consumer-group timings for development and tests.
	ConsumerFast bool
	// ConsumerMaxWait is how long a fetch waits for messages before it answers empty: long
	// polls cost nothing while idle; stopping a consumer waits for at most one.
	ConsumerMaxWait time.Duration
	// Consumer group timings (KAFKA_SESSION_TIMEOUT 30 s, KAFKA_REBALANCE_TIMEOUT 30 s,
	// KAFKA_HEARTBEAT_INTERVAL 3 s): a member that stops heart-beating loses its partitions
	// after the session timeout; a broker roll is shorter, so the group keeps its members.
	ConsumerSessionTimeout, ConsumerRebalanceTimeout, ConsumerHeartbeatInterval time.Duration
	// ProducerWriteTimeout and ProducerWriteAttempts bound one publish (KAFKA_WRITE_TIMEOUT
	// 5 s, KAFKA_WRITE_ATTEMPTS 3; every in-sync replica acknowledges).
	ProducerWriteTimeout  time.Duration
	ProducerWriteAttempts int
	// Mongo is how the service waits for its replica set (MONGO_WRITE_CONCERN,
	// MONGO_OPERATION_TIMEOUT, MONGO_SERVER_SELECTION_TIMEOUT).
	Mongo store.ClientSettings

	// Env reads the service's own settings in its wiring (e.g. encryption keys); its Err
	// reports only what was read after LoadConfig.
	Env *config.Env
}

var regionPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,40}$`)

// LoadConfig reads the environment; the error lists every problem.
func LoadConfig(name string, env *config.Env) (Config, error) {
	c := Config{Name: name}
	c.Version = env.String("SERVICE_VERSION", "dev")
	c.Region = env.Required("REGION")
	env.Check(c.Region == "" || regionPattern.MatchString(c.Region), "REGION", "must be a lower-case region code such as groningen")
	c.HTTPAddr = env.String("HTTP_ADDR", ":8080")
	c.OpsAddr = env.String("OPS_ADDR", ":9090")
	env.Check(c.OpsAddr != c.HTTPAddr, "OPS_ADDR", "must differ from HTTP_ADDR: readiness and metrics are not served where the API is")
	c.KafkaBrokers = env.List("KAFKA_BROKERS", nil)
	env.Check(len(c.KafkaBrokers) > 0, "KAFKA_BROKERS", "is required (comma separated host:port)")
	c.TopicPrefix = env.String("KAFKA_TOPIC_PREFIX", c.Region+".")
	c.SharedTopicPrefix = env.String("KAFKA_SHARED_TOPIC_PREFIX", "shared.")
	env.Check(c.SharedTopicPrefix != c.TopicPrefix, "KAFKA_SHARED_TOPIC_PREFIX", "must differ from the region's topic prefix")
	c.KafkaSecurity = messaging.Security{
		Mechanism: env.OneOf("KAFKA_SASL_MECHANISM", "plain", "plain", "scram-sha-256", "scram-sha-512"),
		Username:  env.String("KAFKA_SASL_USERNAME", ""),
		Password:  env.String("KAFKA_SASL_PASSWORD", ""),
		TLS:       env.Bool("KAFKA_TLS", false),
		CAFile:    env.String("KAFKA_TLS_CA_FILE", ""),
		CertFile:  env.String("KAFKA_TLS_CERT_FILE", ""),
		KeyFile:   env.String("KAFKA_TLS_KEY_FILE", ""),
	}
	env.Check(c.KafkaSecurity.TLS || (c.KafkaSecurity.CAFile == "" && c.KafkaSecurity.CertFile == ""), "KAFKA_TLS", "set KAFKA_TLS=true to use a CA or client certificate")
	env.Check((c.KafkaSecurity.CertFile == "") == (c.KafkaSecurity.KeyFile == ""), "KAFKA_TLS_KEY_FILE", "set both KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE, or neither")
	env.Check((c.KafkaSecurity.Username == "") == (c.KafkaSecurity.Password == ""), "KAFKA_SASL_PASSWORD", "set both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, or neither")
	c.TopicPartitions = env.Int("KAFKA_TOPIC_PARTITIONS", 3, 1, 1000)
	c.ReplicationFactor = env.Int("KAFKA_REPLICATION_FACTOR", 1, 1, 10)
	c.MongoURI = env.Required("MONGO_URI")
	c.MongoDatabase = env.String("MONGO_DATABASE", fmt.Sprintf("werkregio-%s-%s", c.Region, name))
	c.MongoTLS = tlsfiles.Files{CA: env.String("MONGO_TLS_CA_FILE", ""), Cert: env.String("MONGO_TLS_CERT_FILE", ""), Key: env.String("MONGO_TLS_KEY_FILE", "")}
	env.Check((c.MongoTLS.Cert == "") == (c.MongoTLS.Key == ""), "MONGO_TLS_KEY_FILE", "set both MONGO_TLS_CERT_FILE and MONGO_TLS_KEY_FILE, or neither")
	c.OTLPEndpoint = env.URL("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	c.SampleRatio = env.Float("OTEL_TRACES_SAMPLER_RATIO", 1, 0, 1)
	c.LogLevel = env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")
	c.AuthIssuer = env.Required("AUTH_ISSUER")
	c.AuthAudience = env.String("AUTH_AUDIENCE", "werkregio")
	c.AuthJWKSFile = env.String("AUTH_JWKS_FILE", "")
	c.AuthJWKSURL = env.URL("AUTH_JWKS_URL", "")
	env.Check((c.AuthJWKSFile == "") != (c.AuthJWKSURL == ""), "AUTH_JWKS_FILE", "set exactly one of AUTH_JWKS_FILE and AUTH_JWKS_URL")
	c.AuthJWKSMaxAge = env.Duration("AUTH_JWKS_MAX_AGE", auth.DefaultMaxKeyAge)
	env.Check(c.AuthJWKSMaxAge >= 2*auth.DefaultRefreshInterval, "AUTH_JWKS_MAX_AGE", "must be at least %s (two refreshes)", 2*auth.DefaultRefreshInterval)
	c.AuthMaxTokenLifetime = env.Duration("AUTH_MAX_TOKEN_LIFETIME", auth.DefaultMaxLifetime)
	c.AuthClockSkew = env.Duration("AUTH_CLOCK_SKEW", auth.DefaultClockSkew)
	env.Check(c.AuthClockSkew <= auth.MaxClockSkew, "AUTH_CLOCK_SKEW", "must be at most %s", auth.MaxClockSkew)
	c.EventSigningKey = env.String("EVENT_SIGNING_KEY", "")
	c.EventSigningKeyFile = env.String("EVENT_SIGNING_KEY_FILE", "")
	env.Check((c.EventSigningKey == "") != (c.EventSigningKeyFile == ""), "EVENT_SIGNING_KEY", "set exactly one of EVENT_SIGNING_KEY and EVENT_SIGNING_KEY_FILE: the private JWK this service signs its events with (kid <region>/<service>)")
	c.EventKeys = env.String("EVENT_KEYS", "")
	c.EventKeysFile = env.String("EVENT_KEYS_FILE", "")
	env.Check((c.EventKeys == "") != (c.EventKeysFile == ""), "EVENT_KEYS", "set exactly one of EVENT_KEYS and EVENT_KEYS_FILE: the JWK Set of the public keys of the services whose events this one reads")
	c.RelayInterval = env.Duration("OUTBOX_POLL_INTERVAL", 500*time.Millisecond)
	c.RelayLeaseSlot = env.Duration("OUTBOX_LEASE_SLOT", 30*time.Second)
	c.MaxMessageBytes = env.Int("KAFKA_MAX_MESSAGE_BYTES", 1_000_000, 10_000, 100_000_000)
	c.ShutdownTimeout = env.Duration("SHUTDOWN_TIMEOUT", 20*time.Second)
	c.RequestTimeout = env.Duration("REQUEST_TIMEOUT", 10*time.Second)
	env.Check(c.RequestTimeout <= c.ShutdownTimeout, "REQUEST_TIMEOUT", "must be at most SHUTDOWN_TIMEOUT (%s): a stopping service finishes the requests it took", c.ShutdownTimeout)
	c.ConsumerFast = env.Bool("KAFKA_CONSUMER_FAST", false)
	c.ConsumerMaxWait = env.Duration("KAFKA_CONSUMER_MAX_WAIT", 5*time.Second)
	c.ConsumerSessionTimeout = env.Duration("KAFKA_SESSION_TIMEOUT", 30*time.Second)
	c.ConsumerRebalanceTimeout = env.Duration("KAFKA_REBALANCE_TIMEOUT", 30*time.Second)
	c.ConsumerHeartbeatInterval = env.Duration("KAFKA_HEARTBEAT_INTERVAL", 3*time.Second)
	env.Check(c.ConsumerHeartbeatInterval*3 <= c.ConsumerSessionTimeout, "KAFKA_HEARTBEAT_INTERVAL", "must be at most a third of KAFKA_SESSION_TIMEOUT")
	c.ProducerWriteTimeout = env.Duration("KAFKA_WRITE_TIMEOUT", 5*time.Second)
	c.ProducerWriteAttempts = env.Int("KAFKA_WRITE_ATTEMPTS", 3, 1, 20)
	d := store.DefaultClientSettings()
	c.Mongo = store.ClientSettings{
		WriteConcern:           env.String("MONGO_WRITE_CONCERN", d.WriteConcern),
		OperationTimeout:       env.Duration("MONGO_OPERATION_TIMEOUT", d.OperationTimeout),
		ServerSelectionTimeout: env.Duration("MONGO_SERVER_SELECTION_TIMEOUT", d.ServerSelectionTimeout),
	}
	_, numeric := strconv.Atoi(c.Mongo.WriteConcern)
	env.Check(c.Mongo.WriteConcern == "majority" || numeric == nil, "MONGO_WRITE_CONCERN", "must be majority or a number of members")
	env.Check(c.Mongo.ServerSelectionTimeout < c.RequestTimeout, "MONGO_SERVER_SELECTION_TIMEOUT",
		"must be shorter than REQUEST_TIMEOUT (%s), so that a request learns in time that no primary answers", c.RequestTimeout)
	err := env.Err()
	c.Env = env.Fresh()
	return c, err
}

// Topic adds the region's prefix to a topic name, or the shared prefix to a topic every
// region's instance shares.
func (c Config) Topic(name string) string {
	if t, ok := catalog.TopicNamed(name); ok && t.Shared {
		return c.SharedTopicPrefix + name
	}
	return c.TopicPrefix + name
}
