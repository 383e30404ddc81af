package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/kittest"
	participants "github.com/werkregio/platform/services/participants/service"
	payments "github.com/werkregio/platform/services/payments/service"
	procurement "github.com/werkregio/platform/services/procurement/service"
	providers "github.com/werkregio/platform/services/providers/service"
	sroi "github.com/werkregio/platform/services/sroi/service"
)

// The smoke checks pass against running services and fail against a broken one, so the
// verify step means something.
func TestSmokeChecksPassOnARunningRegionAndFailOnABrokenOne(t *testing.T) {
	pf := kittest.NewPlatform(t)
	doc := func(n string) []byte { d, _ := contracts.OpenAPI(n); return d }
	proc := pf.StartService(t, kittest.Service{Name: procurement.Name, Options: procurement.Options(), Wire: procurement.Wire, OpenAPI: doc(procurement.Name), OpenAPIRefs: contracts.OpenAPIFiles()})
	prov := pf.StartService(t, kittest.Service{Name: providers.Name, Options: providers.Options(), Wire: providers.Wire, OpenAPI: doc(providers.Name), OpenAPIRefs: contracts.OpenAPIFiles()})
	part := pf.StartService(t, kittest.Service{Name: participants.Name, Options: participants.Options(), Wire: participants.Wire, OpenAPI: doc(participants.Name), OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"BSN_ENCRYPTION_KEY": kittest.RandomKey(32), "BSN_LOOKUP_KEY": kittest.RandomKey(32)}})
	pay := pf.StartService(t, kittest.Service{Name: payments.Name, Options: payments.Options(), Wire: payments.Wire, OpenAPI: doc(payments.Name), OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"PAYMENTS_DEBTOR_NAME": "Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN": "NL91ABNA0417164300", "PAYMENTS_DEBTOR_TOWN": "Groningen"}})
	social := pf.StartService(t, kittest.Service{Name: sroi.Name, Options: sroi.Options(), Wire: sroi.Wire, OpenAPI: doc(sroi.Name), OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"PERSON_PSEUDONYM_KEY": kittest.RandomKey(32), "KAFKA_SHARED_TOPIC_PREFIX": pf.Prefix + "shared.",
			"SROI_POLICY": "rijk", "SROI_TABLES": "utrecht"}})
	targets := []Target{{"procurement", proc.URL, proc.OpsURL}, {"providers", prov.URL, prov.OpsURL}, {"participants", part.URL, part.OpsURL},
		{"payments", pay.URL, pay.OpsURL}, {"sroi", social.URL, social.OpsURL}}
	if errs := Check(context.Background(), kittest.Region, targets, 10*time.Second); len(errs) > 0 {
		t.Fatalf("checks failed on a healthy region: %v", errs)
	}
	broken := []Target{{"procurement", proc.URL + "/nothing-here", proc.OpsURL + "/nothing-here"}}
	if errs := Check(context.Background(), kittest.Region, broken, time.Second); len(errs) == 0 {
		t.Fatal("checks passed on a broken target")
	}
	if _, err := ParseTargets("procurement=ftp://x"); err == nil {
		t.Error("bad target accepted")
	}
	if ts, err := ParseTargets("procurement=http://groningen-procurement,sroi=http://localhost:8085|http://localhost:8095"); err != nil ||
		ts[0].Ops != "http://groningen-procurement:9090" || ts[1].Ops != "http://localhost:8095" {
		t.Errorf("targets: %+v %v", ts, err)
	}
}
