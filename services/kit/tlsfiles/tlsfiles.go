// Package tlsfiles builds a TLS client configuration from the files Kubernetes mounts from
// Secrets: the server's CA (a cluster CA of its own, as Strimzi's or a managed MongoDB's)
// and a client certificate with its key (mTLS). Kafka and MongoDB read them alike.
package tlsfiles

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// Files are the PEM files of a TLS client; all empty is TLS with the system's roots.
type Files struct {
	// CA verifies the server; empty: the system's roots.
	CA string
	// Cert and Key present a client certificate; both or neither.
	Cert, Key string
}

// Set says whether any file is named.
func (f Files) Set() bool { return f.CA != "" || f.Cert != "" || f.Key != "" }

// Config loads the files; what names the connection in errors ("kafka", "mongodb").
func (f Files) Config(what string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.CA != "" {
		pem, err := os.ReadFile(f.CA)
		if err != nil {
			return nil, fmt.Errorf("%s CA: %w", what, err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s CA %s holds no PEM certificate", what, f.CA)
		}
	}
	if f.Cert != "" || f.Key != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("%s client certificate: %w", what, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}
