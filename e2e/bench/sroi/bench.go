package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	kit "github.com/werkregio/platform/services/kit/service"
	sroi "github.com/werkregio/platform/services/sroi/service"
)

// Config sizes a run of the harness.
type Config struct {
	Projects, Declarations, Reads int
}

// Result holds the figures the harness prints.
type Result struct {
	ValuedPerSecond, InsertManyPerSecond, Ratio float64
	// Overview latencies after a tenth of the projects and after all of them.
	EarlyP50, EarlyP99, P50, P99 time.Duration
	// Declared is what the region's totals show; Expected what the declarations are worth.
	Declared, Expected int64
	Projects           int
}

const (
	region     = "groningen"
	contractor = "34567890"
	// a candidate of Utrecht's table: Participatiewet, full time, three months
	valueCents = 1_000_000
)

type harness struct {
	url, buyer, contractor string
	p                      *kit.Platform
	prod                   *kittest.Publisher
	prefix                 string
	client                 *http.Client
}

// Run measures and prints to w.
func Run(w io.Writer, cfg Config) (*Result, error) {
	b, err := kittest.StartBench("sroi")
	if err != nil {
		return nil, err
	}
	defer b.Close()
	h := &harness{prefix: "bench-sroi.", prod: b.Producer, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	if h.url, h.p, err = b.Launch(sroi.Name, h.prefix, sroi.Options(), sroi.Wire, map[string]string{
		"KAFKA_SHARED_TOPIC_PREFIX": "bench-shared.", "PERSON_PSEUDONYM_KEY": kittest.RandomKey(32),
		"SROI_POLICY": "rijk", "SROI_TABLES": "utrecht"}); err != nil {
		return nil, err
	}
	if h.buyer, err = b.Token("gemeente-groningen", auth.RoleBuyer); err != nil {
		return nil, err
	}
	if h.contractor, err = b.Token(contractor, auth.RoleContractor); err != nil {
		return nil, err
	}
	ctx := context.Background()
	res := &Result{}
	fmt.Fprintf(w, "sroi harness: %d projects, %d declarations, %d overview reads per measurement\n\n", cfg.Projects, cfg.Declarations, cfg.Reads)

	// a tenth of the projects, the overview's cost then
	tenth := max(cfg.Projects/10, 1)
	if err := h.award(ctx, 0, tenth); err != nil {
		return nil, err
	}
	if err := h.waitProjects(ctx, tenth, 10*time.Minute); err != nil {
		return nil, err
	}
	if res.EarlyP50, res.EarlyP99, err = h.overview(ctx, cfg.Reads); err != nil {
		return nil, err
	}
	if err := h.award(ctx, tenth, cfg.Projects); err != nil {
		return nil, err
	}
	if err := h.waitProjects(ctx, cfg.Projects, 30*time.Minute); err != nil {
		return nil, err
	}

	// declarations valued per second, against the ceiling of the same run
	if res.InsertManyPerSecond, err = h.insertManyRate(ctx, cfg.Declarations); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := h.declare(ctx, cfg); err != nil {
		return nil, err
	}
	res.Expected = int64(cfg.Declarations) * valueCents
	if res.Declared, err = h.waitDeclared(ctx, res.Expected, 60*time.Minute); err != nil {
		return nil, err
	}
	res.ValuedPerSecond = float64(cfg.Declarations) / time.Since(start).Seconds()
	res.Ratio = res.ValuedPerSecond / res.InsertManyPerSecond
	fmt.Fprintf(w, "  %-58s %10.0f docs/s\n", "ceiling: InsertMany of as many documents", res.InsertManyPerSecond)
	fmt.Fprintf(w, "  %-58s %10.1f /s\n", "declarations valued (HTTP, shared-topic claim, totals)", res.ValuedPerSecond)
	fmt.Fprintf(w, "  %-58s %10.3f\n", "ratio to the ceiling", res.Ratio)

	if res.P50, res.P99, err = h.overview(ctx, cfg.Reads); err != nil {
		return nil, err
	}
	t, err := h.totals(ctx)
	if err != nil {
		return nil, err
	}
	res.Projects = t.Projects
	fmt.Fprintf(w, "  %-58s %10s p50 %8s p99\n", fmt.Sprintf("overview with %d projects, no declarations", tenth), res.EarlyP50.Round(time.Microsecond), res.EarlyP99.Round(time.Microsecond))
	fmt.Fprintf(w, "  %-58s %10s p50 %8s p99   (goal p99 < 100ms)\n", fmt.Sprintf("overview with %d projects, %d declarations", t.Projects, cfg.Declarations),
		res.P50.Round(time.Microsecond), res.P99.Round(time.Microsecond))
	fmt.Fprintf(w, "  %-58s %10.2f   (goal: about 1, the cost does not follow the history)\n", "p99 ratio, all to a tenth of the projects",
		float64(res.P99)/float64(max(res.EarlyP99, 1)))
	fmt.Fprintf(w, "  %-58s %10d of %d cents\n", "declared value in the region's totals", res.Declared, res.Expected)
	return res, nil
}

type obj = map[string]any

func (h *harness) award(ctx context.Context, from, to int) error {
	var evs []messaging.Event
	flush := func() error {
		if len(evs) == 0 {
			return nil
		}
		err := h.prod.Publish(ctx, h.prefix+catalog.TopicProcurementTenders, evs...)
		evs = evs[:0]
		return err
	}
	for i := from; i < to; i++ {
		id := fmt.Sprintf("tnd-%06d", i)
		raw, _ := json.Marshal(obj{"tenderId": id, "region": region, "buyer": fmt.Sprintf("gemeente-%d", i%12), "title": "Project " + id, "sector": "bouw",
			"contractorKvk": contractor, "contractorName": "Bouwbedrijf Bench", "contractValueExclVatCents": 100_000_000 + int64(i%50)*1_000_000,
			"sroiBasisPoints": 500, "sroiObligationCents": 5_000_000, "publicationDate": kittest.Day(-200), "awardedOn": kittest.Day(-100 - i%300),
			"contractType": "works", "contractEnd": kittest.Day(200 + i%400)})
		evs = append(evs, messaging.Event{ID: "award-" + id, Type: catalog.TypeTenderAwarded, Time: time.Now(), Key: id, Subject: id, Sequence: 1, Data: raw})
		if len(evs) == 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

type totals struct {
	Projects int   `json:"projects"`
	Declared int64 `json:"declaredCents"`
}

func (h *harness) call(ctx context.Context, token, method, path string, body any, out any) (int, error) {
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		return resp.StatusCode, json.Unmarshal(raw, out)
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, nil
}

func (h *harness) totals(ctx context.Context) (totals, error) {
	var t totals
	_, err := h.call(ctx, h.buyer, "GET", "/api/v1/totals", nil, &t)
	return t, err
}

func (h *harness) waitProjects(ctx context.Context, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		t, err := h.totals(ctx)
		if err != nil {
			return err
		}
		if t.Projects >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d projects after %s", t.Projects, n, limit)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (h *harness) waitDeclared(ctx context.Context, want int64, limit time.Duration) (int64, error) {
	deadline := time.Now().Add(limit)
	for {
		t, err := h.totals(ctx)
		if err != nil {
			return 0, err
		}
		if t.Declared >= want || time.Now().After(deadline) {
			return t.Declared, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// bsns yields valid BSNs (11-proef) of made-up people, each once.
func bsns(n int) []string {
	out := make([]string, 0, n)
	for v := 200_000_000; len(out) < n; v++ {
		s := strconv.Itoa(v)
		sum := 0
		for i := range 8 {
			sum += (9 - i) * int(s[i]-'0')
		}
		if sum -= int(s[8] - '0'); sum != 0 && sum%11 == 0 {
			out = append(out, s)
		}
	}
	return out
}

// lastMonths are the three whole months before this one: worked months inside every
// project's window (awarded at least 100 days ago), each valued alike.
var lastMonths = func() struct{ from, until string } {
	first := time.Now().AddDate(0, 0, -time.Now().Day()+1)
	return struct{ from, until string }{first.AddDate(0, -3, 0).Format("2006-01-02"), first.AddDate(0, 0, -1).Format("2006-01-02")}
}()

// declare sends the declarations from 16 clients, each a different person on a project.
func (h *harness) declare(ctx context.Context, cfg Config) error {
	people := bsns(cfg.Declarations)
	work := make(chan int)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				_, err := h.call(ctx, h.contractor, "POST", fmt.Sprintf("/api/v1/projects/prj-tnd-%06d/declarations", i%cfg.Projects), obj{
					"kind": "candidate", "source": "external", "bsn": people[i],
					"candidate": obj{"candidateType": "participatiewet", "hoursPerWeek": 36, "from": lastMonths.from, "until": lastMonths.until,
						"contractType": "fixed_term", "ageBand": "under_50"}}, nil)
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
	for i := 0; i < cfg.Declarations && err == nil; i++ {
		select {
		case work <- i:
		case err = <-errs:
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}

// overview reads the region's progress overview as a werkplein's screen does: the totals
// and the first page of projects behind.
func (h *harness) overview(ctx context.Context, n int) (p50, p99 time.Duration, err error) {
	lat := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if _, err := h.call(ctx, h.buyer, "GET", "/api/v1/totals", nil, nil); err != nil {
			return 0, 0, err
		}
		if _, err := h.call(ctx, h.buyer, "GET", "/api/v1/projects?status=behind&limit=20", nil, nil); err != nil {
			return 0, 0, err
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100], nil
}

func (h *harness) insertManyRate(ctx context.Context, n int) (float64, error) {
	doc := `{"kind":"candidate","candidate":{"candidateType":"participatiewet","hoursPerWeek":36,"from":"2025-01-01","until":"2025-03-31"},"value":{"cents":1000000}}`
	coll := h.p.DB.Collection(fmt.Sprintf("ceiling_%d", time.Now().UnixNano()))
	start := time.Now()
	for i := 0; i < n; i += 500 {
		docs := make([]any, 0, 500)
		for j := i; j < min(i+500, n); j++ {
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("d-%d", j)}, {Key: "state", Value: doc}})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
