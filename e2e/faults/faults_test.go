// Package faults takes the store and the broker away from running services and brings them
// back, while requests and events flow, and checks that nothing is lost and nothing happens
// twice.
//
//	go test ./e2e/faults                 (small: outages of 5 s)
//	go test ./e2e/faults -size large     (outages of 5, 30 and 120 s)
package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/e2e/internal/proc"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	"github.com/werkregio/platform/services/testenv/embedded"
)

var size = flag.String("size", "small", "small (outages of 5 s) or large (5, 30 and 120 s)")

type obj = map[string]any

// fault is one thing done to the infrastructure, undone after a while.
type fault struct {
	name string
	do   func()
	undo func()
	for_ time.Duration
}

// requests counts what a client saw: every answer that was not what it asked for, by status.
type requests struct {
	mu     sync.Mutex
	failed map[string]int
}

func (r *requests) fail(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed[what]++
}

// The store and the broker (one process, as the embedded infrastructure runs them) are
// killed and started again on the same data, stopped with SIGSTOP and continued, and killed
// while a service is restarted, while a buyer creates tenders (each with its
// Idempotency-Key, retried until accepted) and participants' milestones flow to payments.
// After each fault every service is ready again by itself; at the end every accepted
// tender exists once, every milestone made its tranches once, and the budget books exactly
// their amounts.
func TestTheServicesRideOutTheirStoreAndBrokerFailing(t *testing.T) {
	if testing.Short() {
		t.Skip("takes the infrastructure away for minutes")
	}
	outages := []time.Duration{5 * time.Second}
	if *size == "large" {
		outages = []time.Duration{5 * time.Second, 30 * time.Second, 120 * time.Second}
	}
	dir := t.TempDir()
	kafkaPort, mongoPort := freePort(t), freePort(t)
	infra, err := embedded.StartOn(dir, kafkaPort, mongoPort)
	if err != nil {
		t.Fatal(err)
	}
	var infraMu sync.Mutex
	t.Cleanup(func() { infraMu.Lock(); infra.Resume(); infra.Stop(); infraMu.Unlock() })
	restart := func() {
		infraMu.Lock()
		defer infraMu.Unlock()
		next, err := embedded.StartOn(dir, kafkaPort, mongoPort)
		if err != nil {
			t.Fatal(err)
		}
		infra = next
	}
	kill := func() { infraMu.Lock(); infra.Kill(); infraMu.Unlock() }

	plat := proc.NewPlatform(t, infra.Kafka, infra.MongoURI, "faults")
	procurement := plat.Start(t, catalog.Procurement)
	payments := plat.Start(t, catalog.Payments, "PAYMENTS_DEBTOR_NAME=Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN=NL91ABNA0417164300", "PAYMENTS_DEBTOR_TOWN=Groningen")
	services := []*proc.Service{procurement, payments}
	buyer := procurement.Token("buyer@faults", "gemeente-groningen", auth.RoleBuyer)
	finance := payments.Token("finance@faults", "gemeente-groningen", auth.RoleFinance)
	seen := &requests{failed: map[string]int{}}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	// what the platform knows before the faults: a contract, an account, a budget
	pub := kittest.NewPublisher([]string{infra.Kafka}, "/faults")
	defer pub.Close()
	publish := func(topic, typ, key string, seq int, data any) bool {
		raw, _ := json.Marshal(data)
		ev := messaging.Event{ID: typ + "-" + key, Type: typ, Time: time.Now(), Key: key, Subject: key, Sequence: seq, Data: raw}
		for ctx.Err() == nil {
			if err := pub.Publish(context.WithoutCancel(ctx), plat.Prefix+topic, ev); err == nil {
				return true
			}
			seen.fail("publish (broker away)")
			time.Sleep(200 * time.Millisecond)
		}
		return false
	}
	terms := obj{"version": 1, "effectiveFrom": kittest.Day(-400), "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{},
		"tranches":                  []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}},
		"placementBeforeCompletion": false}
	_ = publish(catalog.TopicProcurementContracts, catalog.TypeContractAwarded, "ctr-1", 1, obj{"contractId": "ctr-1", "number": "OH-1/12345678/1",
		"schemeId": "sch-1", "schemeReference": "OH-1", "region": "groningen", "buyer": "gemeente-groningen", "providerKvk": "12345678",
		"providerName": "Bouwschool Noord", "awardedAt": time.Now().AddDate(0, 0, -60).UTC().Format(time.RFC3339),
		"products": []obj{{"productId": "prd-1", "name": "Timmerman", "priceCents": 95000, "termsVersion": 1, "terms": []obj{terms}}}})
	_ = publish(catalog.TopicProvidersRegistry, catalog.TypeBankAccountChanged, "12345678/bank-account", 1, obj{"providerKvk": "12345678", "region": "groningen",
		"accountHolder": "Bouwschool Noord B.V.", "iban": "NL91ABNA0417164300", "status": "confirmed", "revision": 1,
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12", "postCode": "9711 AB", "town": "Groningen", "country": "NL"},
		"at":      time.Now().UTC().Format(time.RFC3339)})
	var budget struct{ ID string }
	call(t, seen, payments, finance, "POST", "/api/v1/budgets", "budget-1", obj{"name": "Faults", "source": "RIF", "from": kittest.Day(-400),
		"until": kittest.Day(365), "schemes": []string{"sch-1"}, "amountCents": int64(100_000) * 95000}, &budget)

	// the flows, until the faults are over
	var tenders sync.Map
	var made, milestones atomic.Int64
	var flows sync.WaitGroup
	flows.Add(2)
	go func() { // a buyer announces tenders, each retried with its key until accepted
		defer flows.Done()
		for i := 0; ctx.Err() == nil; i++ {
			var out struct{ ID string }
			if call(t, seen, procurement, buyer, "POST", "/api/v1/tenders", fmt.Sprintf("tender-%d", i), obj{"title": fmt.Sprintf("Onderhoud %d", i),
				"sector": "bouw", "expectedPublication": kittest.Day(30), "estimatedValueCents": 640000000, "sroiBasisPoints": 500}, &out) {
				tenders.Store(out.ID, i)
				made.Add(1)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	go func() { // participants' starts, each published until the broker took it
		defer flows.Done()
		for j := 0; ctx.Err() == nil; j++ {
			enr := fmt.Sprintf("enr-%06d", j)
			if publish(catalog.TopicParticipantsEnrolments, catalog.TypeEnrolmentStarted, enr, 2, obj{"enrolmentId": enr, "participantId": "prt-" + enr,
				"region": "groningen", "contractId": "ctr-1", "contractNumber": "OH-1/12345678/1", "schemeId": "sch-1", "providerKvk": "12345678",
				"productId": "prd-1", "productName": "Timmerman", "startDate": kittest.Day(-20), "priceCents": 95000, "terms": terms,
				"targetGroups": []string{"ww"}, "milestone": "started", "on": kittest.Day(-10), "at": time.Now().UTC().Format(time.RFC3339)}) {
				milestones.Add(1)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()

	var faults []fault
	for _, d := range outages {
		faults = append(faults, fault{name: fmt.Sprintf("store and broker killed, back after %s", d), do: kill, undo: restart, for_: d})
	}
	faults = append(faults,
		fault{name: "store and broker stopped (SIGSTOP) for 5s", do: func() { infra.Pause() }, undo: func() { infra.Resume() }, for_: 5 * time.Second},
		fault{name: "payments restarted while the store and broker are away", do: func() { kill(); time.Sleep(time.Second); payments.Kill() }, undo: restart, for_: 5 * time.Second})
	var report []string
	for _, f := range faults {
		time.Sleep(3 * time.Second) // the flows run a while between faults
		f.do()
		time.Sleep(f.for_)
		f.undo()
		back := time.Now()
		for _, s := range services {
			s.Ready(3 * time.Minute)
			report = append(report, fmt.Sprintf("%-58s %-12s ready %5.1fs after", f.name, s.Name, time.Since(back).Seconds()))
		}
	}
	time.Sleep(3 * time.Second)
	stop()
	flows.Wait()

	// settled: every accepted tender once, every milestone's tranches once, the budget exact
	var listed []struct{ ID string }
	kittest.Eventually(t, "every accepted tender listed", time.Minute, func() bool {
		listed = listAll(t, procurement, buyer, "/api/v1/tenders")
		return len(listed) >= int(made.Load())
	})
	ids := map[string]int{}
	for _, tnd := range listed {
		ids[tnd.ID]++
	}
	n := int(milestones.Load())
	want := int64(n) * 95000
	var b struct{ CommittedCents, DueCents, GrantedCents, FreeCents, PaidCents int64 }
	kittest.Eventually(t, "every milestone's tranche due and the budget booked", 3*time.Minute, func() bool {
		code, _ := get(payments, finance, "/api/v1/budgets/"+budget.ID, &b)
		return code == 200 && b.CommittedCents+b.DueCents >= want
	})
	due := listAll(t, payments, finance, "/api/v1/tranches?status=payable")
	tranches := map[string]bool{}
	for _, tr := range due {
		tranches[tr.ID] = true
	}

	// every event published once: an announcement per accepted tender, a due per start
	// (a redelivery of the same event id is allowed, a second event for the same fact is not)
	events := func(topic, typ string, want int) (facts, ids, messages int) {
		perSubject, seenIDs := map[string]map[string]bool{}, map[string]bool{}
		kittest.ReadUntil(t, infra.Kafka, plat.Prefix+topic, 2*time.Minute, func(ms []kafka.Message) bool {
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
		for _, ids := range perSubject {
			if len(ids) > 1 {
				t.Errorf("%s: %d events for one fact", typ, len(ids))
			}
		}
		return len(perSubject), len(seenIDs), messages
	}
	announced, announcedIDs, announcedMsgs := events(catalog.TopicProcurementTenders, catalog.TypeTenderAnnounced, int(made.Load()))
	dueFacts, dueIDs, dueMsgs := events(catalog.TopicPaymentsTranches, catalog.TypeTrancheDue, n)
	t.Logf("events: %d tenders announced by %d events in %d messages; %d tranches due by %d events in %d messages",
		announced, announcedIDs, announcedMsgs, dueFacts, dueIDs, dueMsgs)
	if announced != int(made.Load()) || dueFacts != n || announcedIDs != announced || dueIDs != dueFacts {
		t.Errorf("events: %d announcements (%d ids) for %d tenders, %d dues (%d ids) for %d starts: want each once", announced, announcedIDs, made.Load(), dueFacts, dueIDs, n)
	}

	sort.Strings(report)
	t.Logf("readiness after each fault:\n  %s", strings.Join(report, "\n  "))
	var failed []string
	for what, count := range seen.failed {
		failed = append(failed, fmt.Sprintf("%s: %d", what, count))
	}
	sort.Strings(failed)
	t.Logf("requests that failed (each retried until accepted): %s", strings.Join(failed, ", "))
	t.Logf("%d tenders accepted, %d listed; %d milestones, %d start tranches due; budget committed %d + due %d cents (want %d)",
		made.Load(), len(listed), n, len(due), b.CommittedCents, b.DueCents, want)
	if len(listed) != int(made.Load()) || len(ids) != len(listed) {
		t.Errorf("tenders: %d accepted, %d listed, %d distinct: want each accepted one once", made.Load(), len(listed), len(ids))
	}
	if len(due) != n || len(tranches) != n || b.CommittedCents+b.DueCents != want || b.FreeCents+b.CommittedCents+b.DueCents+b.PaidCents != b.GrantedCents {
		t.Errorf("payments: %d start tranches for %d milestones, committed+due %d of %d: want one each, booked exactly", len(due), n, b.CommittedCents+b.DueCents, want)
	}
	if s, ok := seen.failed["500"]; ok {
		t.Errorf("%d requests answered 500 during the faults; want 503 with Retry-After", s)
	}
}

// call POSTs body with an Idempotency-Key until the service accepts it (2xx), counting
// every other answer by status; false when the test ended first.
func call(t *testing.T, seen *requests, s *proc.Service, token, method, path, key string, body, out any) bool {
	t.Helper()
	raw, _ := json.Marshal(body)
	client := http.Client{Timeout: 15 * time.Second}
	for range 600 {
		req, _ := http.NewRequest(method, "http://"+s.Addr+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			seen.fail("no answer (service restarting)")
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if resp.StatusCode/100 == 2 {
			err := json.NewDecoder(resp.Body).Decode(out)
			resp.Body.Close()
			return err == nil
		}
		resp.Body.Close()
		seen.fail(fmt.Sprint(resp.StatusCode))
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
			seen.fail("503 without Retry-After")
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

func get(s *proc.Service, token, path string, out any) (int, error) {
	req, _ := http.NewRequest("GET", "http://"+s.Addr+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

// listAll reads every page of a list.
func listAll(t *testing.T, s *proc.Service, token, path string) []struct{ ID string } {
	t.Helper()
	var all []struct{ ID string }
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := path + sep + "limit=500"
	for next != "" {
		var page struct {
			Items []struct{ ID string }
			Links struct {
				Next struct{ Href string }
			} `json:"_links"`
		}
		if code, err := get(s, token, next, &page); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", next, code, err)
		}
		all = append(all, page.Items...)
		next = page.Links.Next.Href
	}
	return all
}

func freePort(t *testing.T) int {
	addr := proc.FreeAddr(t)
	var port int
	_, _ = fmt.Sscanf(addr[strings.LastIndex(addr, ":")+1:], "%d", &port)
	return port
}
