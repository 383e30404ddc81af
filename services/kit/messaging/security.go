package messaging

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/werkregio/platform/services/kit/tlsfiles"
)

// Security is how a service authenticates to a managed Kafka: SASL (PLAIN or SCRAM) and
// TLS. The zero value is a plain connection, as to the embedded broker.
type Security struct {
	Mechanism string // plain, scram-sha-256 or scram-sha-512
	Username  string
	Password  string
	TLS       bool
	// CAFile verifies the brokers against a CA of the cluster's own (Strimzi's cluster CA,
	// a managed Kafka's); empty: the system's roots.
	CAFile string
	// CertFile and KeyFile present a client certificate (mTLS, e.g. a Strimzi KafkaUser).
	CertFile, KeyFile string
}

func (s Security) mechanism() (sasl.Mechanism, error) {
	if s.Username == "" {
		return nil, nil
	}
	switch s.Mechanism {
	case "", "plain":
		return plain.Mechanism{Username: s.Username, Password: s.Password}, nil
	case "scram-sha-256":
		return scram.Mechanism(scram.SHA256, s.Username, s.Password)
	case "scram-sha-512":
		return scram.Mechanism(scram.SHA512, s.Username, s.Password)
	}
	return nil, fmt.Errorf("unknown SASL mechanism %q", s.Mechanism)
}

func (s Security) tlsConfig() (*tls.Config, error) {
	if !s.TLS {
		return nil, nil
	}
	return tlsfiles.Files{CA: s.CAFile, Cert: s.CertFile, Key: s.KeyFile}.Config("kafka")
}

// NewSecureTransport is NewTransport with SASL and TLS.
func NewSecureTransport(s Security) (*kafka.Transport, error) {
	m, err := s.mechanism()
	if err != nil {
		return nil, err
	}
	tc, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	t := NewTransport()
	t.SASL, t.TLS = m, tc
	return t, nil
}

// Dialer is the consumer-group connection with SASL and TLS.
func (s Security) Dialer() (*kafka.Dialer, error) {
	m, err := s.mechanism()
	if err != nil {
		return nil, err
	}
	if m == nil && !s.TLS {
		return nil, nil // kafka-go's default dialer
	}
	tc, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, SASLMechanism: m, TLS: tc,
		Resolver: &net.Resolver{}}, nil
}
