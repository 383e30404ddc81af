package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/kit/messaging"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/kit/store"
	payments "github.com/werkregio/platform/services/payments/service"
)

// Config sizes a run of the harness.
type Config struct {
	Milestones, Paced, Rate int
	RunSizes                []int
}

// Result holds the figures the harness prints.
type Result struct {
	MilestonesPerSecond, InsertManyPerSecond, Ratio float64
	P50, P99                                        time.Duration
	Runs                                            []RunFigures
	Lost, Duplicates                                int
}

// RunFigures are one file's streaming time and the peak heap meanwhile.
type RunFigures struct {
	Transfers int
	Took      time.Duration
	Bytes     int64
	PeakHeap  uint64
}

const (
	region     = "groningen"
	contractID = "ctr.sch-1.12345678.1"
	provider   = "12345678"
)

type harness struct {
	infra  *kittest.Infra
	url    string
	p      *kit.Platform
	prod   *kittest.Publisher
	prefix string
	token  string
	seq    atomic.Int64
}

// Run measures and prints to w.
func Run(w io.Writer, cfg Config) (*Result, error) {
	b, err := kittest.StartBench("payments")
	if err != nil {
		return nil, err
	}
	defer b.Close()
	h := &harness{infra: b.Infra, prefix: "bench-payments.", prod: b.Producer}
	if h.url, h.p, err = b.Launch(payments.Name, h.prefix, payments.Options(), payments.Wire, map[string]string{
		"PAYMENTS_DEBTOR_NAME": "Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN": "NL91ABNA0417164300",
		"PAYMENTS_DEBTOR_BIC": "ABNANL2A", "PAYMENTS_DEBTOR_TOWN": "Groningen", "PAYMENTS_DEBTOR_STREET": "Kreupelstraat",
		"PAYMENTS_DEBTOR_BUILDING_NUMBER": "1", "PAYMENTS_DEBTOR_POST_CODE": "9712 HW"}); err != nil {
		return nil, err
	}
	if h.token, err = b.Token("gemeente-groningen", auth.RoleFinance); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := h.seed(ctx, cfg.Milestones+cfg.Paced); err != nil {
		return nil, err
	}
	res := &Result{}
	fmt.Fprintf(w, "payments harness: %d milestones, %d paced at %d/s, runs of %v transfers\n\n", cfg.Milestones, cfg.Paced, cfg.Rate, cfg.RunSizes)

	// 1. throughput against the ceiling of the same run
	if res.InsertManyPerSecond, err = h.insertManyRate(ctx, cfg.Milestones); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := h.publishMilestones(ctx, 0, cfg.Milestones, 0); err != nil {
		return nil, err
	}
	if err := h.waitDue(ctx, cfg.Milestones, 10*time.Minute); err != nil {
		return nil, err
	}
	res.MilestonesPerSecond = float64(cfg.Milestones) / time.Since(start).Seconds()
	res.Ratio = res.MilestonesPerSecond / res.InsertManyPerSecond
	fmt.Fprintf(w, "  %-52s %10.0f docs/s\n", "ceiling: InsertMany of as many documents", res.InsertManyPerSecond)
	fmt.Fprintf(w, "  %-52s %10.1f milestones/s\n", "milestones -> due tranches (3 tranches each)", res.MilestonesPerSecond)
	fmt.Fprintf(w, "  %-52s %10.3f   (goal >= 0.5)\n", "ratio to the ceiling", res.Ratio)

	// 2. latency at a steady pace
	sent := make(map[string]time.Time, cfg.Paced)
	interval := time.Second / time.Duration(max(cfg.Rate, 1))
	for i := cfg.Milestones; i < cfg.Milestones+cfg.Paced; i++ {
		sent[trancheID(i)] = time.Now()
		if err := h.publishMilestones(ctx, i, i+1, 0); err != nil {
			return nil, err
		}
		time.Sleep(interval)
	}
	if err := h.waitDue(ctx, cfg.Milestones+cfg.Paced, 5*time.Minute); err != nil {
		return nil, err
	}
	lat, err := h.latencies(ctx, sent)
	if err != nil {
		return nil, err
	}
	res.P50, res.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	fmt.Fprintf(w, "  %-52s %10s\n", "milestone event -> due tranche, p50", res.P50.Round(time.Millisecond))
	fmt.Fprintf(w, "  %-52s %10s   (goal < 1s)\n", "milestone event -> due tranche, p99", res.P99.Round(time.Millisecond))

	// exactly once: every milestone made its three tranches, one due, and the budget adds up
	if res.Lost, res.Duplicates, err = h.check(ctx, cfg.Milestones+cfg.Paced); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "  %-52s %10d lost, %d duplicate\n", "tranches", res.Lost, res.Duplicates)

	// 3. streaming run files
	for _, n := range cfg.RunSizes {
		f, err := h.streamRun(ctx, n)
		if err != nil {
			return nil, err
		}
		res.Runs = append(res.Runs, f)
		fmt.Fprintf(w, "  %-52s %10s  %6.1f MB file, peak heap %5.1f MB\n", fmt.Sprintf("run file of %d transfers", n), f.Took.Round(time.Millisecond),
			float64(f.Bytes)/1e6, float64(f.PeakHeap)/1e6)
	}
	if len(res.Runs) > 1 {
		first, last := res.Runs[0], res.Runs[len(res.Runs)-1]
		fmt.Fprintf(w, "  %-52s %10.2f   for %dx the transfers (goal: about 1, memory flat)\n", "peak heap ratio, largest run to smallest",
			float64(last.PeakHeap)/float64(first.PeakHeap), last.Transfers/first.Transfers)
	}
	return res, nil
}

func (h *harness) publish(ctx context.Context, topic, typ, key string, seq int, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	n := h.seq.Add(1)
	return h.prod.Publish(ctx, h.prefix+topic, messaging.Event{ID: fmt.Sprintf("bench-%d", n), Type: typ, Time: time.Now(), Key: key, Sequence: seq, Data: raw})
}

type obj = map[string]any

func day(offset int) string { return kittest.Day(offset) }

// seed: a contract, a confirmed bank account and a budget large enough for every milestone.
func (h *harness) seed(ctx context.Context, milestones int) error {
	terms := []obj{{"version": 1, "effectiveFrom": day(-400), "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{},
		"tranches": tranches(), "placementBeforeCompletion": false}}
	if err := h.publish(ctx, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contractID, 1, obj{"contractId": contractID,
		"number": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "schemeReference": "OH-2026-BT", "region": region, "buyer": "gemeente-groningen",
		"providerKvk": provider, "providerName": "Bouwschool Noord", "awardedAt": time.Now().AddDate(0, 0, -60).UTC().Format(time.RFC3339),
		"products": []obj{{"productId": "prd-1", "name": "Timmerman basis", "priceCents": 95000, "termsVersion": 1, "terms": terms}}}); err != nil {
		return err
	}
	if err := h.publish(ctx, catalog.TopicProvidersRegistry, catalog.TypeBankAccountChanged, provider+"/bank-account", 1, obj{"providerKvk": provider,
		"region": region, "accountHolder": "Bouwschool Noord B.V.", "iban": "NL91ABNA0417164300", "status": "confirmed", "revision": 1,
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12", "postCode": "9711 AB", "town": "Groningen", "country": "NL"},
		"at":      time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	body, _ := json.Marshal(obj{"name": "Bench", "source": "Regionaal Investeringsfonds", "from": day(-400), "until": day(365),
		"schemes": []string{"sch-1"}, "amountCents": int64(milestones+10) * 95000})
	req, _ := http.NewRequestWithContext(ctx, "POST", h.url+"/api/v1/budgets", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return fmt.Errorf("open budget: %s", resp.Status)
	}
	// the contract and the account reach the service before the milestones
	return poll(ctx, time.Minute, func() (bool, error) {
		n, err := h.p.DB.Collection("bank_accounts").CountDocuments(ctx, bson.D{})
		if err != nil {
			return false, err
		}
		m, err := h.p.DB.Collection("contract_changes").CountDocuments(ctx, bson.D{})
		return n == 1 && m == 1, err
	})
}

func tranches() []obj {
	return []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}}
}

func trancheID(i int) string { return fmt.Sprintf("trn-enr-%07d-started", i) }

func milestone(i int) obj {
	return obj{"enrolmentId": fmt.Sprintf("enr-%07d", i), "participantId": fmt.Sprintf("prt-%07d", i), "region": region, "contractId": contractID,
		"contractNumber": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "providerKvk": provider, "productId": "prd-1", "productName": "Timmerman basis",
		"startDate": day(-20), "priceCents": 95000, "terms": obj{"version": 1, "effectiveFrom": day(-400), "maxPriceCents": 100000,
			"minAttendanceHours": 256, "requiredCertificates": []string{}, "tranches": tranches(), "placementBeforeCompletion": false},
		"targetGroups": []string{"participatiewet"}, "milestone": "started", "on": day(-10), "at": time.Now().UTC().Format(time.RFC3339)}
}

func (h *harness) publishMilestones(ctx context.Context, from, to, _ int) error {
	for i := from; i < to; i += 500 {
		var evs []messaging.Event
		for j := i; j < min(i+500, to); j++ {
			raw, _ := json.Marshal(milestone(j))
			evs = append(evs, messaging.Event{ID: fmt.Sprintf("ms-%d", j), Type: catalog.TypeEnrolmentStarted, Time: time.Now(),
				Key: fmt.Sprintf("enr-%07d", j), Subject: fmt.Sprintf("enr-%07d", j), Sequence: 2, Data: raw})
		}
		if err := h.prod.Publish(ctx, h.prefix+catalog.TopicParticipantsEnrolments, evs...); err != nil {
			return err
		}
	}
	return nil
}

func (h *harness) views() *mongo.Collection { return h.p.DB.Collection("view_tranche") }

// waitDue polls once a second: a count reads every due tranche, and polling faster
// measures the polling (it took a third of the store's CPU at 50 ms).
func (h *harness) waitDue(ctx context.Context, n int, limit time.Duration) error {
	return pollEvery(ctx, limit, time.Second, func() (bool, error) {
		c, err := h.views().CountDocuments(ctx, bson.D{{Key: "f.status", Value: "payable"}})
		return int(c) >= n, err
	})
}

func poll(ctx context.Context, limit time.Duration, f func() (bool, error)) error {
	return pollEvery(ctx, limit, 50*time.Millisecond, f)
}

func pollEvery(ctx context.Context, limit, every time.Duration, f func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := f()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done within %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

// latencies: publication to the due tranche's step in its history, sorted.
func (h *harness) latencies(ctx context.Context, sent map[string]time.Time) ([]time.Duration, error) {
	ids := make([]string, 0, len(sent))
	for id := range sent {
		ids = append(ids, id)
	}
	cur, err := h.views().Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
		S  struct {
			History []struct {
				Status string `bson:"status"`
				At     string `bson:"at"`
			} `bson:"history"`
		} `bson:"s"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	var out []time.Duration
	for _, d := range docs {
		for _, c := range d.S.History {
			if c.Status == "payable" {
				at, err := time.Parse(time.RFC3339Nano, c.At)
				if err != nil {
					return nil, err
				}
				out = append(out, at.Sub(sent[d.ID]))
				break
			}
		}
	}
	if len(out) != len(sent) {
		return nil, fmt.Errorf("%d of %d paced tranches found due", len(out), len(sent))
	}
	slices.Sort(out)
	return out, nil
}

// check counts tranches: each milestone made exactly three (one due), none more; and the
// budget's accounts equal the sums of the tranches that are booked in them.
func (h *harness) check(ctx context.Context, n int) (lost, duplicates int, err error) {
	// the tranches still to come are saved after the due one: give them a moment
	_ = poll(ctx, 30*time.Second, func() (bool, error) {
		c, err := h.views().CountDocuments(ctx, bson.D{})
		return int(c) >= 3*n, err
	})
	total, err := h.views().CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, 0, err
	}
	due, err := h.views().CountDocuments(ctx, bson.D{{Key: "f.status", Value: "payable"}})
	if err != nil {
		return 0, 0, err
	}
	lost = max(0, 3*n-int(total)) + max(0, n-int(due))
	duplicates = max(0, int(total)-3*n) + max(0, int(due)-n)
	var b struct {
		S struct {
			Committed int64 `bson:"committedCents"`
			Due       int64 `bson:"dueCents"`
		} `bson:"s"`
	}
	if err := h.p.DB.Collection("view_budget").FindOne(ctx, bson.D{}).Decode(&b); err != nil {
		return lost, duplicates, err
	}
	if b.S.Due != int64(n)*38000 || b.S.Committed != int64(n)*57000 {
		return lost, duplicates, fmt.Errorf("the budget books %d due and %d committed for %d milestones (want %d and %d)", b.S.Due, b.S.Committed, n, n*38000, n*57000)
	}
	return lost, duplicates, nil
}

// insertManyRate is the ceiling: InsertMany of n documents of a tranche's size.
func (h *harness) insertManyRate(ctx context.Context, n int) (float64, error) {
	doc, _ := json.Marshal(milestone(0))
	coll := h.p.DB.Collection(fmt.Sprintf("ceiling_%d", time.Now().UnixNano()))
	start := time.Now()
	for i := 0; i < n; i += 500 {
		docs := make([]any, 0, 500)
		for j := i; j < min(i+500, n); j++ {
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("d-%d", j)}, {Key: "state", Value: string(doc)}})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// streamRun stores a run of n transfers as the service stores them and downloads its
// file, sampling the heap meanwhile.
func (h *harness) streamRun(ctx context.Context, n int) (RunFigures, error) {
	id := fmt.Sprintf("run-bench%07d", n)
	msg := strings.ToUpper(strings.TrimPrefix(id, "run-"))
	var total int64
	coll := h.p.DB.Collection("run_transfers")
	for i := 0; i < n; i += 1000 {
		docs := make([]any, 0, 1000)
		for j := i; j < min(i+1000, n); j++ {
			amount := int64(38000 + j%997)
			total += amount
			e2e := fmt.Sprintf("R%s-%08d", msg, j)
			tr, _ := json.Marshal(obj{"runId": id, "seq": j + 1, "endToEndId": e2e, "providerKvk": fmt.Sprintf("%08d", 10000000+j),
				"amountCents": amount, "tranches": []string{fmt.Sprintf("trn-enr-%07d-started", j)}, "remittance": fmt.Sprintf("werkregio enr-%07d-started", j),
				"status": "exported", "creditor": "Opleidingscentrum Zuidoost-Brabant en Noord-Limburg voor Techniek, Zorg en Logistiek B.V.",
				"creditorIban": "NL91ABNA0417164300", "creditorAddress": obj{"street": "Hoofdstraat", "buildingNumber": "12", "postCode": "9711 AB",
					"town": "Groningen", "country": "NL"}})
			docs = append(docs, bson.D{{Key: "_id", Value: e2e}, {Key: "run", Value: id}, {Key: "seq", Value: j + 1}, {Key: "status", Value: "exported"},
				{Key: "transfer", Value: string(tr)}})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			return RunFigures{}, err
		}
	}
	if _, err := h.p.Store.Import(ctx, "run", []store.ImportedCommit{{ID: id, Version: 1, Region: region, At: time.Now(), Action: "bench",
		State: obj{"id": id, "region": region, "status": "approved", "approvedBy": "bench-second-officer", "upTo": day(0), "executionDate": day(1), "perTranche": false,
			"format": "pain.001.001.09", "messageId": msg, "transfers": n, "tranches": n, "totalCents": total, "setOffCents": 0, "paid": 0, "rejected": 0,
			"createdAt": time.Now().UTC().Format(time.RFC3339), "createdBy": "bench"}}}); err != nil {
		return RunFigures{}, err
	}
	if _, err := h.p.Store.Rebuild(ctx, "run"); err != nil {
		return RunFigures{}, err
	}
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.url+"/api/v1/runs/"+id+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		close(done)
		return RunFigures{}, err
	}
	bytes, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	close(done)
	if err != nil {
		return RunFigures{}, err
	}
	if resp.StatusCode != 200 {
		return RunFigures{}, fmt.Errorf("run file: %s", resp.Status)
	}
	return RunFigures{Transfers: n, Took: took, Bytes: bytes, PeakHeap: peak.Load()}, nil
}
