package messaging

import (
	"crypto/tls"
	"path/filepath"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/tlsfiles/tlstest"
)

// Kafka as Strimzi runs it: brokers with a certificate of the cluster's own CA, clients
// with a certificate of the clients' CA (mTLS). The services verify the brokers against the
// CA file and present their certificate; without either the handshake fails.
func TestTLSWithTheClustersCAAndAClientCertificate(t *testing.T) {
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "cluster-ca")
	caFile, _ := ca.Write(t, dir, "ca")
	broker := ca.Server(t, "broker")
	certFile, keyFile := ca.Client(t, "sroi").Write(t, dir, "client")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", broker.ServerConfig(ca))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	handshake := func(s Security) error {
		cfg, err := s.tlsConfig()
		if err != nil {
			return err
		}
		c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
		if err != nil {
			return err
		}
		defer c.Close()
		// TLS 1.3 reports a refused client certificate on the first read
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err = c.Read(make([]byte, 1))
		if err != nil && err.Error() == "EOF" {
			return nil
		}
		return err
	}
	if err := handshake(Security{TLS: true, CAFile: caFile, CertFile: certFile, KeyFile: keyFile}); err != nil {
		t.Fatalf("mTLS with the cluster's CA: %v", err)
	}
	if err := handshake(Security{TLS: true, CertFile: certFile, KeyFile: keyFile}); err == nil {
		t.Error("a broker of an unknown CA was trusted")
	}
	if err := handshake(Security{TLS: true, CAFile: caFile}); err == nil {
		t.Error("a client without certificate passed a broker that requires one")
	}
	if _, err := (Security{TLS: true, CAFile: filepath.Join(dir, "client.key")}).tlsConfig(); err == nil {
		t.Error("a CA file without a certificate was accepted")
	}
}
