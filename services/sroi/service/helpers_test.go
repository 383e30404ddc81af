package service_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/sroi/service"
)

type obj = map[string]any

var expect = kittest.Expect

const (
	contractor = "34567890"
	// two valid BSNs (11-proef) of made-up people
	bsnAnna  = "111222333"
	bsnBram  = "123456782"
	buyerOrg = "gemeente-groningen"
)

// personKey is the platform's pseudonym key, the same for every region of a test.
var personKey = kittest.RandomKey(32)

type region struct {
	name       string
	pf         *kittest.Platform
	r          *kittest.Running
	prefix     string
	buyer      string
	coord      string
	contractor string
	other      string
	seq        *atomic.Int64
	clock      *kittest.Clock
}

// startRegion starts the sroi service of a region on the test platform; every region of
// a platform shares the candidate-months topic.
func startRegion(t *testing.T, pf *kittest.Platform, name string, extra ...string) *region {
	t.Helper()
	return startRegionAt(t, pf, name, &kittest.Clock{}, extra...)
}

// startRegionAt starts the region's service on a clock the test moves.
func startRegionAt(t *testing.T, pf *kittest.Platform, name string, clock *kittest.Clock, extra ...string) *region {
	t.Helper()
	doc, _ := contracts.OpenAPI(service.Name)
	prefix := pf.Prefix
	if name != kittest.Region {
		prefix = pf.Prefix + name + "."
	}
	env := map[string]string{"REGION": name, "KAFKA_TOPIC_PREFIX": prefix, "KAFKA_SHARED_TOPIC_PREFIX": pf.Prefix + "shared.",
		"MONGO_DATABASE": "sroi-" + name + "-" + pf.Prefix[:len(pf.Prefix)-1], "PERSON_PSEUDONYM_KEY": personKey,
		"SMTP_FROM": "sroi@" + name + ".example.nl", "SROI_PROGRESS_CHECK_INTERVAL": "200ms", "SROI_MAIL_RETRY_INTERVAL": "200ms",
		// the region adopts the Rijk's policy and Utrecht's table (there is no default)
		"SROI_POLICY": "rijk", "SROI_TABLES": "utrecht"}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
		if extra[i+1] == "" {
			delete(env, extra[i])
		}
	}
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.WireWith(clock.Now), OpenAPI: doc,
		OpenAPIRefs: contracts.OpenAPIFiles(), Env: env})
	return &region{name: name, pf: pf, r: r, prefix: prefix, seq: &atomic.Int64{}, clock: clock,
		buyer:      pf.TokenIn(t, name, buyerOrg, auth.RoleBuyer),
		coord:      pf.TokenIn(t, name, "werkplein-"+name, auth.RoleCoordinator),
		contractor: pf.TokenIn(t, name, contractor, auth.RoleContractor),
		other:      pf.TokenIn(t, name, "45678901", auth.RoleContractor)}
}

func (g *region) publish(t *testing.T, topic, typ, key string, data obj) {
	t.Helper()
	g.publishSeq(t, topic, typ, key, 1, data)
}

// publishSeq publishes an event of an aggregate's version.
func (g *region) publishSeq(t *testing.T, topic, typ, key string, version int, data obj) {
	t.Helper()
	raw, _ := json.Marshal(data)
	n := g.seq.Add(1)
	kittest.PublishRaw(t, g.pf.Infra.Kafka, g.prefix+topic, kittest.WithSequence(
		kittest.CloudEvent(fmt.Sprintf("%s-%s-%d", g.name, typ, n), typ, "/werkregio/"+g.name+"/test", key, raw), version))
}

// award publishes procurement's award of a tender published on a day.
func (g *region) award(t *testing.T, tender string, valueCents int64, published, awarded, end string) string {
	t.Helper()
	d := obj{"tenderId": tender, "region": g.name, "buyer": buyerOrg, "title": "Onderhoud bruggen " + tender, "sector": "bouw",
		"contractorKvk": contractor, "contractorName": "Bouwbedrijf Noord B.V.", "contractValueExclVatCents": valueCents,
		"sroiBasisPoints": 500, "sroiObligationCents": valueCents * 5 / 100, "publicationDate": published, "awardedOn": awarded,
		"contractType": "works"}
	if end != "" {
		d["contractEnd"] = end
	}
	g.publish(t, catalog.TopicProcurementTenders, catalog.TypeTenderAwarded, tender, d)
	id := "prj-" + tender
	kittest.Eventually(t, "project "+id, 20*time.Second, func() bool {
		return g.r.Call(t, g.buyer, "GET", "/api/v1/projects/"+id, nil, nil) == 200
	})
	return id
}

type project struct {
	ID       string `json:"id"`
	Table    string `json:"table"`
	Computed struct {
		Cents int64  `json:"cents"`
		Rule  string `json:"rule"`
	} `json:"computed"`
	Figures struct {
		Declared int64 `json:"declaredCents"`
		Approved int64 `json:"approvedCents"`
	} `json:"figures"`
	Progress struct {
		Status   string `json:"status"`
		Forecast int64  `json:"forecastCents"`
	} `json:"progress"`
	Reminders []string `json:"reminders"`
}

func (g *region) project(t *testing.T, id string) project {
	t.Helper()
	var p project
	expect(t, "project", g.r.Call(t, g.buyer, "GET", "/api/v1/projects/"+id, nil, &p), 200)
	return p
}

type declaration struct {
	ID           string   `json:"id"`
	Status       string   `json:"status"`
	Counted      []string `json:"counted"`
	Planned      []string `json:"planned"`
	PlannedCents int64    `json:"plannedCents"`
	DecideBy     string   `json:"decideBy"`
	Refused      []struct {
		Month  string `json:"month"`
		Reason string `json:"reason"`
	} `json:"refused"`
	Value struct {
		Cents int64  `json:"cents"`
		Table string `json:"table"`
		Trace []struct {
			Rule   string `json:"rule"`
			Detail string `json:"detail"`
		} `json:"trace"`
	} `json:"value"`
}

// declareCandidate declares an external candidate and waits for its months' check.
func (g *region) declareCandidate(t *testing.T, projectID, bsn, from, until string) declaration {
	t.Helper()
	var d declaration
	expect(t, "declare", g.r.Call(t, g.contractor, "POST", "/api/v1/projects/"+projectID+"/declarations", obj{"kind": "candidate", "source": "external",
		"bsn": bsn, "candidate": obj{"candidateType": "participatiewet", "hoursPerWeek": 36, "from": from, "until": until,
			"contractType": "fixed_term", "ageBand": "under_50"}}, &d), 201)
	return g.settled(t, d.ID)
}

func (g *region) settled(t *testing.T, id string) declaration {
	t.Helper()
	var d declaration
	kittest.Eventually(t, "declaration "+id+" checked", 20*time.Second, func() bool {
		expect(t, "declaration", g.r.Call(t, g.buyer, "GET", "/api/v1/declarations/"+id, nil, &d), 200)
		return d.Status != "checking"
	})
	return d
}

type totals struct {
	Projects   int              `json:"projects"`
	Obligation int64            `json:"obligationCents"`
	Declared   int64            `json:"declaredCents"`
	Approved   int64            `json:"approvedCents"`
	ByStatus   map[string]int   `json:"byStatus"`
	ByType     map[string]int64 `json:"approvedByType"`
}

func (g *region) totals(t *testing.T, scope string) totals {
	t.Helper()
	var v totals
	expect(t, "totals", g.r.Call(t, g.buyer, "GET", "/api/v1/totals?scope="+scope, nil, &v), 200)
	return v
}

// samplePDF is the smallest document a PDF reader opens.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// attach uploads a document to a declaration as its contractor and returns its id.
func (g *region) attach(t *testing.T, declarationID, name string, content []byte) string {
	t.Helper()
	status, body := g.upload(t, declarationID, name, content)
	var d struct {
		Evidence []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"evidence"`
	}
	if status != 200 || json.Unmarshal(body, &d) != nil || len(d.Evidence) == 0 {
		t.Fatalf("evidence: %d %s", status, body)
	}
	return d.Evidence[len(d.Evidence)-1].ID
}

// upload sends a document to a declaration as its contractor: the status and the answer.
func (g *region) upload(t *testing.T, declarationID, name string, content []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", g.r.URL+"/api/v1/declarations/"+declarationID+"/evidence?name="+url.QueryEscape(name), bytes.NewReader(content))
	req.Header.Set("Authorization", "Bearer "+g.contractor)
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}
