package crash

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
)

// validBSNs are n made-up BSNs that pass the 11-proef.
func validBSNs(n int) []string {
	var out []string
	for i := 100000000; len(out) < n; i += 7 {
		if b, ok := civil.NormalizeBSN(strconv.Itoa(i)); ok {
			out = append(out, b)
		}
	}
	return out
}

// The SROI process is killed with SIGKILL at random moments while contractors declare
// candidates (each request with its Idempotency-Key, repeated until it is answered, as a
// client does after a timeout) and awards arrive: afterwards every award is one project,
// every declaration exists once with all its months counted (none refused as already
// counted: a claim replayed after a crash is recognised as the declaration's own), and the
// region's totals are exactly the declarations' values.
func TestSROIKilledAtRandomLosesAndDoublesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a process for a minute or more")
	}
	const projects, declarations, maxKills = 10, 300, 6
	infra := kittest.Shared(t)
	svc := startService(t, "sroi", "PERSON_PSEUDONYM_KEY="+kittest.RandomKey(32), "SROI_PROGRESS_CHECK_INTERVAL=1s", "SROI_POLICY=rijk", "SROI_TABLES=utrecht")
	prefix, addr := svc.Prefix, svc.Addr
	buyer := svc.Token("buyer@crash", "gemeente-groningen", auth.RoleBuyer)
	contractor := svc.Token("sroi@34567890", "34567890", auth.RoleContractor)
	call := func(token, method, path, key string, body any, out any) (int, error) {
		var raw []byte
		if body != nil {
			raw, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode < 300 {
			return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode, nil
	}

	// awards, each the obligation of a project (the topic is replayed after every crash)
	prod := kittest.NewPublisher([]string{infra.Kafka}, "/crash")
	defer prod.Close()
	ctx := context.Background()
	var awards []messaging.Event
	for i := range projects {
		tender := fmt.Sprintf("tnd-%03d", i)
		raw, _ := json.Marshal(obj{"tenderId": tender, "region": "groningen", "buyer": "gemeente-groningen", "title": "Onderhoud " + tender, "sector": "bouw",
			"contractorKvk": "34567890", "contractorName": "Bouwbedrijf Noord B.V.", "contractValueExclVatCents": 100_000_000,
			"sroiBasisPoints": 500, "sroiObligationCents": 5_000_000, "publicationDate": kittest.Day(-200), "awardedOn": kittest.Day(-100),
			"contractType": "works", "contractEnd": kittest.Day(600)})
		awards = append(awards, messaging.Event{ID: "award-" + tender, Type: catalog.TypeTenderAwarded, Time: time.Now(), Key: tender, Subject: tender, Sequence: 1, Data: raw})
	}
	if err := prod.Publish(ctx, prefix+catalog.TopicProcurementTenders, awards...); err != nil {
		t.Fatal(err)
	}
	kittest.Eventually(t, "every project", 60*time.Second, func() bool {
		s, _ := call(buyer, "GET", fmt.Sprintf("/api/v1/projects/prj-tnd-%03d", projects-1), "", nil, nil)
		return s == 200
	})

	// a contractor declares while the process is killed at random
	bsns := validBSNs(declarations)
	ids := make([]string, declarations)
	var lastMu sync.Mutex
	last := map[string]int{} // what the pending declarations were answered last, for a failure's report
	done := make(chan struct{})
	go func() {
		defer close(done)
		pending := make([]int, declarations)
		for i := range pending {
			pending[i] = i
		}
		for len(pending) > 0 {
			var again []int
			for _, i := range pending {
				var d struct{ ID string }
				s, err := call(contractor, "POST", fmt.Sprintf("/api/v1/projects/prj-tnd-%03d/declarations", i%projects), fmt.Sprintf("decl-%03d", i),
					obj{"kind": "candidate", "source": "external", "bsn": bsns[i], "candidate": obj{"candidateType": "participatiewet", "hoursPerWeek": 36,
						"from": kittest.Day(-90), "until": kittest.Day(-1), "contractType": "fixed_term", "ageBand": "under_50"}}, &d)
				if err == nil && (s == 201 || s == 200) {
					ids[i] = d.ID
					lastMu.Lock()
					delete(last, fmt.Sprintf("decl-%03d", i))
					lastMu.Unlock()
					continue
				}
				lastMu.Lock()
				last[fmt.Sprintf("decl-%03d", i)] = s
				lastMu.Unlock()
				again = append(again, i) // killed, or the key still held by a request the kill cut off
			}
			pending = again
			if len(pending) > 0 {
				time.Sleep(500 * time.Millisecond)
			}
		}
	}()
	// kills while the requests come in and while their months are claimed and valued behind
	kills := 0
	for ; kills < maxKills; kills++ {
		time.Sleep(time.Duration(200+rand.IntN(1000)) * time.Millisecond)
		svc.Kill()
	}
	svc.Ready(60 * time.Second)
	select {
	case <-done:
	case <-time.After(5 * time.Minute): // a key cut off mid-request is free again after its lease (2 minutes)
		lastMu.Lock()
		t.Fatalf("declarations not all answered within 5 minutes; last answers of those pending (0: none): %v", last)
	}
	t.Logf("%d projects, %d declarations, the process killed %d times", projects, declarations, kills)

	type declaration struct {
		Status  string   `json:"status"`
		Counted []string `json:"counted"`
		Refused []struct{ Month, Reason string }
		Value   struct{ Cents int64 }
	}
	var sum int64
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Fatalf("declaration %d answered with the id of another: %s", i, id)
		}
		seen[id] = true
		var d declaration
		kittest.Eventually(t, "declaration "+id+" valued", 60*time.Second, func() bool {
			s, err := call(buyer, "GET", "/api/v1/declarations/"+id, "", nil, &d)
			return err == nil && s == 200 && d.Status != "checking"
		})
		if len(d.Refused) != 0 || len(d.Counted) == 0 || d.Value.Cents <= 0 {
			t.Errorf("declaration %s: counted %v, refused %+v, value %d", id, d.Counted, d.Refused, d.Value.Cents)
		}
		sum += d.Value.Cents
	}
	var totals struct {
		Projects int   `json:"projects"`
		Declared int64 `json:"declaredCents"`
	}
	// The totals follow the projects' events through a consumer group whose killed members
	// the broker drops only after their session times out: on a busy machine that takes
	// longer than valuing the declarations did.
	kittest.Eventually(t, "totals of every declaration", 3*time.Minute, func() bool {
		s, err := call(buyer, "GET", "/api/v1/totals?scope=region", "", nil, &totals)
		return err == nil && s == 200 && totals.Declared == sum && totals.Projects == projects
	})
	var list struct {
		Items []struct{ ID string }
		Next  string
	}
	if s, err := call(buyer, "GET", "/api/v1/declarations?project=prj-tnd-000&limit=100", "", nil, &list); err != nil || s != 200 || len(list.Items) != declarations/projects {
		t.Errorf("project prj-tnd-000 lists %d declarations (want %d): %v %d", len(list.Items), declarations/projects, err, s)
	}
}
