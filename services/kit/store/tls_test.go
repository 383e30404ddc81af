package store_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/kit/tlsfiles"
	"github.com/werkregio/platform/services/kit/tlsfiles/tlstest"
)

// MongoDB as a managed service or an operator runs it: TLS with a CA of its own and a
// client certificate (mTLS). The embedded server behind a real TLS endpoint: the services'
// files (MONGO_TLS_CA_FILE, _CERT_FILE, _KEY_FILE) make a working connection; without the
// CA or the certificate there is none.
func TestMongoDBOverTLSWithACAAndAClientCertificate(t *testing.T) {
	infra := kittest.Shared(t)
	plain, err := url.Parse(infra.MongoURI)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "mongodb-ca")
	caFile, _ := ca.Write(t, dir, "ca")
	certFile, keyFile := ca.Client(t, "participants").Write(t, dir, "client")
	addr := tlstest.Terminate(t, ca.Server(t, "mongodb").ServerConfig(ca), plain.Host)
	uri := "mongodb://" + addr + "/?directConnection=true"

	connect := func(files tlsfiles.Files) error {
		cfg, err := files.Config("mongodb")
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		client, err := store.Connect(ctx, uri, nil, cfg)
		if err != nil {
			return err
		}
		defer func() { _ = client.Disconnect(context.Background()) }()
		coll := client.Database("tls" + time.Now().Format("150405.000000")).Collection("things")
		if _, err := coll.InsertOne(ctx, bson.M{"_id": "a", "colour": "blue"}); err != nil {
			return err
		}
		var got bson.M
		return coll.FindOne(ctx, bson.M{"_id": "a"}).Decode(&got)
	}
	if err := connect(tlsfiles.Files{CA: caFile, Cert: certFile, Key: keyFile}); err != nil {
		t.Fatalf("over TLS with the CA and a client certificate: %v", err)
	}
	if err := connect(tlsfiles.Files{Cert: certFile, Key: keyFile}); err == nil {
		t.Error("a server of an unknown CA was trusted")
	}
	if err := connect(tlsfiles.Files{CA: caFile}); err == nil {
		t.Error("a client without certificate passed a server that requires one")
	}
}
