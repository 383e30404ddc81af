// Package faults takes the store and the broker away from running services and brings them
// back, while the region's daily work goes on, and checks that nothing is lost and nothing
// happens twice.
//
//	go test ./e2e/faults                 (small: outages of 5 s)
//	go test ./e2e/faults -size large     (outages of 5, 30 and 120 s)
package faults

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/werkregio/platform/e2e/internal/proc"
	"github.com/werkregio/platform/services/testenv/embedded"
)

var size = flag.String("size", "small", "small (outages of 5 s) or large (5, 30 and 120 s)")

// fault is one thing done to the infrastructure, undone after a while.
type fault struct {
	name string
	do   func()
	undo func()
	for_ time.Duration
}

// The store and the broker (one process, as the embedded infrastructure runs them) are
// killed and started again on the same data, stopped with SIGSTOP and continued, and killed
// while services restart, while the five services do a region's daily work: tenders,
// applications to an Open House scheme, job seekers registered, enrolled and started,
// their hours reported over Kafka by the provider's learning system, tranches approved and
// paid in runs with the bank's report, and social-return declarations. After each fault
// every service is ready again by itself; at the end every accepted request's effect
// exists once, every fact was published once, every hour, tranche and candidate-month
// counts once, and the budget and the totals equal the facts.
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
	seen := &requests{failed: map[string]int{}}
	r := startRegion(t, plat, seen)
	partners := newPartnerSystem(infra.Kafka, plat.Prefix+"partners.attendance.v1", seen)
	defer partners.Close()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	f := newFacts()
	flowsDone := r.flows(ctx, f, partners)

	var faults []fault
	for _, d := range outages {
		faults = append(faults, fault{name: fmt.Sprintf("store and broker killed, back after %s", d), do: kill, undo: restart, for_: d})
	}
	faults = append(faults,
		fault{name: "store and broker stopped (SIGSTOP) for 5s", do: func() { infra.Pause() }, undo: func() { infra.Resume() }, for_: 5 * time.Second},
		fault{name: "participants and payments restarted meanwhile", for_: 5 * time.Second, undo: restart, do: func() {
			kill()
			time.Sleep(time.Second)
			r.participants.Kill()
			r.payments.Kill()
		}})
	var report []string
	for _, fl := range faults {
		time.Sleep(5 * time.Second) // the work goes on a while between faults
		fl.do()
		time.Sleep(fl.for_)
		fl.undo()
		back := time.Now()
		ready := map[string]float64{}
		var wg sync.WaitGroup
		for _, s := range r.services() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Ready(3 * time.Minute)
				infraMu.Lock()
				ready[s.Name] = time.Since(back).Seconds()
				infraMu.Unlock()
			}()
		}
		wg.Wait()
		var line []string
		for _, s := range r.services() {
			line = append(line, fmt.Sprintf("%s %.1fs", s.Name, ready[s.Name]))
		}
		report = append(report, fmt.Sprintf("%-48s ready after: %s", fl.name, strings.Join(line, ", ")))
	}
	time.Sleep(3 * time.Second)
	stop()
	flowsDone()

	r.check(t, f, infra.Kafka, plat.Prefix)
	t.Logf("readiness after each fault:\n  %s", strings.Join(report, "\n  "))
	t.Logf("requests that failed (each repeated until decided): %s", seen)
	if n := seen.count("500"); n > 0 {
		t.Errorf("%d requests answered 500 during the faults; want 503 with Retry-After", n)
	}
	if n := seen.count("503 without Retry-After or code"); n > 0 {
		t.Errorf("%d answers 503 without Retry-After or a problem code", n)
	}
}

func freePort(t *testing.T) int {
	addr := proc.FreeAddr(t)
	var port int
	_, _ = fmt.Sscanf(addr[strings.LastIndex(addr, ":")+1:], "%d", &port)
	return port
}

// sortedKeys lists a map's keys in order (for stable reports).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
