package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

// facts are what the flows were told was accepted, each with what the platform must hold.
type facts struct {
	mu           sync.Mutex
	tenders      map[string]int    // tender id -> request
	contracts    map[string]string // contract id -> provider (the first one's too)
	enrolments   map[string]string // enrolment id -> participant
	participants map[string]int    // participant id -> request
	declarations map[string]int    // declaration id -> request
	paid         map[string]int    // tranche id -> transfers it was paid in
	paidCents    int64
	runs         int
	attendance   int // reports published, each twice
}

func newFacts() *facts {
	return &facts{tenders: map[string]int{}, contracts: map[string]string{}, enrolments: map[string]string{},
		participants: map[string]int{}, declarations: map[string]int{}, paid: map[string]int{}}
}

func (f *facts) record(do func(f *facts)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	do(f)
}

// flows are the region's daily work, each repeated until ctx ends; every change carries
// its Idempotency-Key and is repeated until the service decides it.
func (r *region) flows(ctx context.Context, f *facts, partners *partnerSystem) (wait func()) {
	var wg sync.WaitGroup
	loop := func(pause time.Duration, step func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				step(i)
				time.Sleep(pause)
			}
		}()
	}
	// a buyer announces tenders
	loop(150*time.Millisecond, func(i int) {
		var out struct{ ID string }
		if r.buyer.post("/api/v1/tenders", fmt.Sprintf("tender-%d", i), obj{"title": fmt.Sprintf("Onderhoud %d", i), "sector": "bouw",
			"expectedPublication": kittest.Day(30), "estimatedValueCents": 640000000, "sroiBasisPoints": 500}, &out) == 201 {
			f.record(func(f *facts) { f.tenders[out.ID] = i })
		}
	})
	// providers apply to the Open House scheme, each contracted at once
	loop(300*time.Millisecond, func(i int) {
		kvk := fmt.Sprintf("3%07d", i)
		applicant := r.provider.as(r.procurement)
		applicant.token = r.procurement.Token("planner@"+kvk, kvk, "provider")
		var out struct{ Contract struct{ ID string } }
		if s := applicant.post("/api/v1/schemes/"+r.scheme+"/applications", "apply", application("Opleider "+kvk, r.product), &out); s == 201 && out.Contract.ID != "" {
			f.record(func(f *facts) { f.contracts[out.Contract.ID] = kvk })
		} else {
			r.buyer.t.Errorf("application of %s: %d, contract %q", kvk, s, out.Contract.ID)
		}
	})
	// work coaches register job seekers and enrol them; the provider starts them, and its
	// learning system reports their hours over Kafka (and replays them)
	bsns := validBSNs(100_000_000, 20_000)
	loop(100*time.Millisecond, func(i int) {
		var p, e struct{ ID string }
		if s := r.coach.post("/api/v1/participants", fmt.Sprintf("participant-%d", i), obj{"bsn": bsns[i], "municipality": "Groningen",
			"name": fmt.Sprintf("Deelnemer %d", i), "targetGroups": []string{"ww"}, "ladderStep": 3, "competencies": []string{},
			"consent": obj{"purpose": "begeleiding naar werk", "givenOn": kittest.Day(-20)}}, &p); s != 201 {
			r.coach.t.Errorf("participant %d: %d", i, s)
			return
		}
		start := kittest.Day(0)
		if s := r.coach.post("/api/v1/enrolments", fmt.Sprintf("enrolment-%d", i), obj{"participantId": p.ID, "contractId": r.contract,
			"productId": r.product, "startDate": start, "location": r.locations[i%len(r.locations)]}, &e); s != 201 {
			r.coach.t.Errorf("enrolment %d: %d", i, s)
			return
		}
		f.record(func(f *facts) { f.participants[p.ID] = i; f.enrolments[e.ID] = p.ID })
		if s := r.provider.as(r.participants).post("/api/v1/enrolments/"+e.ID+"/start", fmt.Sprintf("start-%d", i), obj{"on": start}, nil); s != 200 {
			r.coach.t.Errorf("start %d: %d", i, s)
			return
		}
		for part := range 3 { // morning, afternoon, evening
			partners.attendance(ctx, e.ID, fmt.Sprintf("lms-%d-%d", i, part), start, 4)
		}
		f.record(func(f *facts) { f.attendance += 3 })
	})
	// finance approves what is payable and pays it in runs, four eyes on each run; the
	// bank reports each transfer paid
	loop(time.Second, func(i int) { r.payRun(f, i) })
	// a contractor declares candidates for its social return
	declared := validBSNs(300_000_000, 20_000)
	loop(200*time.Millisecond, func(i int) {
		var d struct{ ID string }
		if s := r.contractor.post("/api/v1/projects/"+r.project+"/declarations", fmt.Sprintf("declaration-%d", i), obj{"kind": "candidate",
			"source": "external", "bsn": declared[i], "candidate": obj{"candidateType": "participatiewet", "hoursPerWeek": 36,
				"from": kittest.Day(-90), "until": kittest.Day(-1), "contractType": "fixed_term", "ageBand": "under_50"}}, &d); s == 201 || s == 200 {
			f.record(func(f *facts) { f.declarations[d.ID] = i })
		} else {
			r.contractor.t.Errorf("declaration %d: %d", i, s)
		}
	})
	return wg.Wait
}

type run struct {
	ID, Status, MessageID string
	Tranches              int
	TotalCents            int64
}

type transfer struct {
	Status      string
	EndToEndID  string   `json:"endToEndId"`
	AmountCents int64    `json:"amountCents"`
	Tranches    []string `json:"tranches"`
}

// payRun approves every payable tranche, builds a run of them, has a second officer
// approve it and imports the bank's report that paid each transfer. A change whose first
// attempt took effect but whose answer an outage cut off (its key then expired) is
// answered 409 on its retry: the state it reached is checked instead.
func (r *region) payRun(f *facts, i int) {
	payable := list[struct{ ID string }](r.finance, "/api/v1/tranches?status=payable")
	for _, tr := range payable {
		if s := r.finance.post("/api/v1/tranches/"+tr.ID+"/approve", "approve-"+tr.ID, nil, nil); s != 200 && !r.reached(s, "/api/v1/tranches/"+tr.ID, "approved") {
			r.finance.t.Errorf("approve %s: %d", tr.ID, s)
		}
	}
	if len(payable) == 0 {
		return
	}
	var built run
	if s := r.finance.post("/api/v1/runs", fmt.Sprintf("run-%d", i), obj{"upTo": kittest.Day(0)}, &built); s != 201 {
		r.finance.t.Errorf("run %d: %d", i, s)
		return
	}
	for built.Status == "building" {
		time.Sleep(200 * time.Millisecond)
		r.finance.get("/api/v1/runs/"+built.ID, &built)
	}
	if built.Status == "cancelled" {
		return
	}
	if s := r.finance2.post("/api/v1/runs/"+built.ID+"/approval", "approve-"+built.ID, nil, nil); s != 200 && !r.reached(s, "/api/v1/runs/"+built.ID, "approved") {
		r.finance.t.Errorf("run %s approved: %d", built.ID, s)
		return
	}
	for _, tr := range list[transfer](r.finance, "/api/v1/runs/"+built.ID+"/transfers") {
		if s := r.finance.post("/api/v1/bank-reports", "bank-"+tr.EndToEndID, obj{"document": pain002(built.MessageID, tr.EndToEndID, tr.AmountCents)}, nil); s != 200 {
			r.finance.t.Errorf("bank report of %s: %d", tr.EndToEndID, s)
		}
	}
	// what the bank's reports paid, as the run shows it
	for _, tr := range list[transfer](r.finance, "/api/v1/runs/"+built.ID+"/transfers") {
		if tr.Status != "paid" {
			r.finance.t.Errorf("transfer %s is %s after the bank reported it paid", tr.EndToEndID, tr.Status)
			continue
		}
		f.record(func(f *facts) {
			f.paidCents += tr.AmountCents
			for _, id := range tr.Tranches {
				f.paid[id]++
			}
		})
	}
	f.record(func(f *facts) { f.runs++ })
}

// reached says whether a change answered 409 stands as made: its resource has the status
// the change was to give it (the first attempt's effect, whose answer was lost). It is
// counted apart.
func (r *region) reached(status int, path, want string) bool {
	if status != 409 {
		return false
	}
	var now struct{ Status string }
	if s, _, _ := r.finance.get(path, &now); s != 200 || now.Status != want {
		return false
	}
	r.finance.seen.fail("409 on a retry whose first attempt took effect")
	return true
}

// pain002 is the bank's status report that one transfer of a file was paid, with the
// original amount and debtor account as Dutch banks report them.
func pain002(msgID, e2e string, cents int64) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-%s</MsgId><CreDtTm>%s</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>%s</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">%d.%02d</InstdAmt></Amt><DbtrAcct><Id><IBAN>%s</IBAN></Id></DbtrAcct></OrgnlTxRef></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`, e2e, time.Now().UTC().Format("2006-01-02T15:04:05"), msgID, msgID, e2e, cents/100, cents%100, debtorIBAN)
}

// partnerSystem is the provider's learning system: it signs what it sends with its own
// key and repeats a write until the broker takes it.
type partnerSystem struct {
	w     *kafka.Writer
	topic string
	seen  *requests
}

func newPartnerSystem(broker, topic string, seen *requests) *partnerSystem {
	return &partnerSystem{seen: seen, topic: topic, w: &kafka.Writer{Addr: kafka.TCP(broker), Topic: topic, Balancer: &kafka.Hash{},
		BatchTimeout: 5 * time.Millisecond, RequiredAcks: kafka.RequireAll, Transport: messaging.NewTransport()}}
}

// attendance reports hours of an enrolment's day, and once more (a learning system
// replays what it is not sure was taken).
func (p *partnerSystem) attendance(ctx context.Context, enrolment, report, day string, hours float64) {
	data, _ := json.Marshal(obj{"enrolmentId": enrolment, "providerKvk": providerKvK, "date": day, "hours": hours, "reportId": report})
	m := kittest.SignAsPartner(p.topic, kittest.CloudEvent(report, catalog.TypeAttendanceReported, lms, enrolment, data))
	for range 2 {
		for {
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := p.w.WriteMessages(wctx, m)
			cancel()
			if err == nil {
				break
			}
			p.seen.fail("publish (broker away)")
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func (p *partnerSystem) Close() error { return p.w.Close() }

// eventsOnce reads a topic until want facts of a type are there and reports facts, event
// ids and messages: a redelivery of the same event id is allowed, a second event for the
// same fact (subject) is not.
func eventsOnce(t *testing.T, broker, topic, typ string, want int) (facts, ids, messages int) {
	t.Helper()
	perSubject, seenIDs := map[string]map[string]bool{}, map[string]bool{}
	kittest.ReadUntil(t, broker, topic, 2*time.Minute, func(ms []kafka.Message) bool {
		perSubject, seenIDs, messages = map[string]map[string]bool{}, map[string]bool{}, 0
		for _, m := range ms {
			if kittest.Header(m, messaging.HeaderType) != typ {
				continue
			}
			messages++
			id, key := kittest.Header(m, messaging.HeaderID), string(m.Key)
			seenIDs[id] = true
			if perSubject[key] == nil {
				perSubject[key] = map[string]bool{}
			}
			perSubject[key][id] = true
		}
		return len(perSubject) >= want
	})
	for subject, ids := range perSubject {
		if len(ids) > 1 {
			t.Errorf("%s: %d events for %s", typ, len(ids), subject)
		}
	}
	return len(perSubject), len(seenIDs), messages
}
