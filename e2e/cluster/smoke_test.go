package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/kittest"
	participants "github.com/werkregio/platform/services/participants/service"
	procurement "github.com/werkregio/platform/services/procurement/service"
	providers "github.com/werkregio/platform/services/providers/service"
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
	targets := []Target{{"procurement", proc.URL}, {"providers", prov.URL}, {"participants", part.URL}}
	if errs := Check(context.Background(), kittest.Region, targets, 10*time.Second); len(errs) > 0 {
		t.Fatalf("checks failed on a healthy region: %v", errs)
	}
	broken := []Target{{"procurement", proc.URL + "/nothing-here"}}
	if errs := Check(context.Background(), kittest.Region, broken, time.Second); len(errs) == 0 {
		t.Fatal("checks passed on a broken target")
	}
	if _, err := ParseTargets("procurement=ftp://x"); err == nil {
		t.Error("bad target accepted")
	}
}
