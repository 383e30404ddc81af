package service_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/procurement/service"
)

// While its database is away — its port closed, or its process stopped and silent — a
// request answers 503 unavailable with Retry-After within the request timeout (it
// answered 500, or hung); /readyz says which dependency within its own timeout and
// /healthz stays 200 (no restart loop for an outage the service rides out). Once the
// database is back, the request sent again with its Idempotency-Key makes one tender.
func TestADatabaseOutageAnswers503InTimeAndTheRetryActsOnce(t *testing.T) {
	pf := kittest.NewPlatform(t)
	u, err := url.Parse(pf.Infra.MongoURI)
	if err != nil {
		t.Fatal(err)
	}
	proxy := kittest.NewProxy(t, u.Host)
	u.Host = proxy.Addr()
	doc, _ := contracts.OpenAPI(service.Name)
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.Wire, OpenAPI: doc, OpenAPIRefs: contracts.OpenAPIFiles(),
		Env: map[string]string{"MONGO_URI": u.String(), "REQUEST_TIMEOUT": "3s", "MONGO_SERVER_SELECTION_TIMEOUT": "2s"}})
	buyer := pf.Token(t, "gemeente-groningen", auth.RoleBuyer)
	tender := map[string]any{"title": "Brede school", "sector": "bouw", "expectedPublication": kittest.Day(30), "estimatedValueCents": 640000000, "sroiBasisPoints": 500}
	key := http.Header{"Idempotency-Key": {"tender-during-outage"}}

	for name, fault := range map[string]func(){"port closed": proxy.Cut, "process stopped": proxy.Hang} {
		fault()
		began := time.Now()
		var p struct{ Type, Code string }
		status, h := r.CallWith(t, buyer, "POST", "/api/v1/tenders", key, tender, &p)
		took := time.Since(began)
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.HasSuffix(p.Type, "/unavailable") || p.Code != "unavailable" || took > 5*time.Second {
			t.Errorf("%s: %d, Retry-After %q, problem %+v after %s; want 503 with Retry-After, type and code unavailable, within the 3 s request timeout",
				name, status, h.Get("Retry-After"), p, took.Round(time.Millisecond))
		}
		began = time.Now()
		resp, err := http.Get(r.OpsURL + "/readyz")
		if err != nil {
			t.Fatalf("%s: /readyz: %v", name, err)
		}
		var ready struct{ Checks map[string]string }
		_ = json.NewDecoder(resp.Body).Decode(&ready)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || ready.Checks["mongodb"] == "ok" || time.Since(began) > 3*time.Second {
			t.Errorf("%s: /readyz %d %v after %s; want 503 naming mongodb within its timeout", name, resp.StatusCode, ready.Checks, time.Since(began).Round(time.Millisecond))
		}
		if resp, err := http.Get(r.OpsURL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: /healthz %v %v; want 200 while the service can recover by itself", name, resp, err)
		}
		if name == "port closed" { // the relay waits, and says so in a gauge
			kittest.Eventually(t, "the relay waiting in werkregio_dependency_waiting", 15*time.Second, func() bool {
				v, _ := kittest.Sample(r.Metrics(t), "werkregio_dependency_waiting", `part="outbox-relay"`)
				return v == "1"
			})
		}
		proxy.Restore()
	}

	var made, again struct{ ID string }
	kittest.Eventually(t, "the tender made once the database is back", 20*time.Second, func() bool {
		s, _ := r.CallWith(t, buyer, "POST", "/api/v1/tenders", key, tender, &made)
		return s == http.StatusCreated
	})
	s, h := r.CallWith(t, buyer, "POST", "/api/v1/tenders", key, tender, &again)
	var list struct{ Items []struct{ ID string } }
	expect(t, "tenders", r.Call(t, buyer, "GET", "/api/v1/tenders", nil, &list), 200)
	if s != http.StatusCreated || again.ID != made.ID || h.Get("Idempotent-Replayed") != "true" || len(list.Items) != 1 {
		t.Fatalf("after the outage: %d %s (made %s, replayed %q), %d tenders; want one", s, again.ID, made.ID, h.Get("Idempotent-Replayed"), len(list.Items))
	}
	// the relay said it waits once per outage, not once per retry, and that it went on
	lines := func(msg string) int {
		n := 0
		for _, l := range strings.Split(pf.Logs.String(), "\n") {
			if strings.Contains(l, `"msg":"`+msg) && strings.Contains(l, `"part":"outbox-relay"`) {
				n++
			}
		}
		return n
	}
	kittest.Eventually(t, "the relay going on", 15*time.Second, func() bool { return lines("dependency back") > 0 })
	waits := lines("waiting for a dependency")
	if waits < 1 || waits > 2 {
		t.Errorf("the relay said %d times that it waits during two outages; want once per outage", waits)
	}
}
