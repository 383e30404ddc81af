// Command reads measures whether reads cost what they return rather than what a region
// accumulated, on the embedded platform, in one run:
//
//   - at 1,000 and at 100,000 enrolments of ten commits each: p50 and p99 of /healthz, of a
//     single GET, of a first, a filtered first and a last page of the enrolments list, the
//     ratio 100k/1k of each, a GET against /healthz, and the bytes the store read per request,
//     sent one after another by a client process of its own;
//
//   - the outbox relay's throughput against InsertMany of the same commit documents, the
//     median of three rounds;
//
//   - the idle CPU of the whole platform (every service and the embedded Kafka and MongoDB)
//     with everything above stored.
//
//     go run ./e2e/bench/reads                      # 1k and 100k
//     go run ./e2e/bench/reads -sizes 1000,20000     # quicker
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/kit/store"
	participants "github.com/werkregio/platform/services/participants/service"
	procurement "github.com/werkregio/platform/services/procurement/service"
	providers "github.com/werkregio/platform/services/providers/service"
)

func main() {
	sizes := flag.String("sizes", "1000,100000", "numbers of enrolments to measure at (the first is the baseline)")
	commits := flag.Int("commits", 10, "commits per enrolment")
	requests := flag.Int("requests", 400, "requests per measurement")
	relayN := flag.Int("relay", 20000, "commits for the relay measurement")
	idle := flag.Duration("idle", 20*time.Second, "how long to measure idle CPU")
	profile := flag.String("cpuprofile", "", "write a CPU profile of this process's read measurements to this file")
	idleProfile := flag.String("idleprofile", "", "write a CPU profile of this process while the platform idles")
	flag.Parse()
	if isClient() {
		if err := runClient(); err != nil {
			fmt.Fprintln(os.Stderr, "reads client:", err)
			os.Exit(1)
		}
		return
	}
	if *idleProfile != "" {
		f, err := os.Create(*idleProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "reads:", err)
			os.Exit(1)
		}
		defer f.Close()
		idleProfileTo = f
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "reads:", err)
			os.Exit(1)
		}
		defer f.Close()
		profileTo = f
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			fmt.Fprintln(os.Stderr, "reads: -sizes takes numbers of at least 100")
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if err := run(ns, *commits, *requests, *relayN, *idle); err != nil {
		fmt.Fprintln(os.Stderr, "reads:", err)
		os.Exit(1)
	}
}

type bench struct {
	infra  *kittest.Infra
	issuer *auth.DevIssuer
	jwks   string
	mongo  *mongo.Client
	token  string
}

func run(sizes []int, commits, requests, relayN int, idle time.Duration) error {
	dir, err := os.MkdirTemp("", "werkregio-bench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	infra, err := kittest.Start(filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer infra.Stop()
	b := &bench{infra: infra, jwks: filepath.Join(dir, "jwks.json")}
	if b.issuer, err = auth.NewDevIssuer("bench-issuer", "werkregio"); err != nil {
		return err
	}
	if err := b.issuer.WritePublicSet(b.jwks); err != nil {
		return err
	}
	b.token, err = b.issuer.Issue(auth.Principal{Subject: "coordinator@bench", Region: "groningen", Org: "werkplein-groningen", Roles: []auth.Role{auth.RoleCoordinator}}, 2*time.Hour) // region-wide reads; tokens live at most 12 h
	if err != nil {
		return err
	}
	ctx := context.Background()
	if b.mongo, err = store.Connect(ctx, infra.MongoURI, nil); err != nil {
		return err
	}
	defer func() { _ = b.mongo.Disconnect(ctx) }()

	var results []sizeResult
	var stops []func()
	for i, n := range sizes {
		r, stop, err := b.measureSize(ctx, n, commits, requests)
		if err != nil {
			return err
		}
		results = append(results, r)
		if i < len(sizes)-1 {
			stop() // the platform idles with the largest region only
		} else {
			stops = append(stops, stop)
		}
	}
	printReads(results)

	fmt.Printf("\nevent path: %d commits of one event each, three rounds\n", relayN)
	rounds, err := b.measureRelay(ctx, relayN, 3)
	if err != nil {
		return err
	}
	med := rounds[len(rounds)/2]
	fmt.Printf("  %-44s %10.0f commits/s\n", "ceiling: InsertMany of the same documents", med.ceiling)
	fmt.Printf("  %-44s %10.0f commits/s  = %.2f of the ceiling, the median round (goal >= 0.80)\n", "outbox relay: follow the log, publish", med.relay, med.ratio())

	// Idle: the participants instances measured above stay up; start the other services.
	for _, s := range []struct {
		name string
		opts kit.Options
		wire func(*kit.Platform) error
	}{{procurement.Name, procurement.Options(), procurement.Wire}, {providers.Name, providers.Options(), providers.Wire}} {
		_, _, stop, err := b.launch(s.name, "idle", s.opts, s.wire)
		if err != nil {
			return err
		}
		stops = append(stops, stop)
	}
	stored, _ := b.commitsStored(ctx)
	time.Sleep(5 * time.Second) // let start-up work finish
	if idleProfileTo != nil {
		_ = pprof.StartCPUProfile(idleProfileTo)
	}
	services, infraCPU, err := idleCores(infra.Pid(), idle)
	if idleProfileTo != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	fmt.Printf("\nidle: %d service instances and the embedded Kafka and MongoDB, %d commits stored, over %s\n", len(stops), stored, idle)
	fmt.Printf("  %-44s %10.1f%% of a core\n", "services", services*100)
	fmt.Printf("  %-44s %10.1f%% of a core\n", "embedded Kafka and MongoDB", infraCPU*100)
	fmt.Printf("  %-44s %10.1f%% of a core (goal < 5%%)\n", "the whole platform", (services+infraCPU)*100)
	for _, stop := range stops {
		stop()
	}
	return nil
}

func (b *bench) launch(name, db string, opts kit.Options, wire func(*kit.Platform) error) (string, *kit.Platform, func(), error) {
	env := map[string]string{
		"REGION": "groningen", "KAFKA_BROKERS": b.infra.Kafka, "MONGO_URI": b.infra.MongoURI, "MONGO_DATABASE": name + "-" + db,
		"KAFKA_TOPIC_PREFIX": "bench-" + db + ".", "AUTH_ISSUER": "bench-issuer", "AUTH_JWKS_FILE": b.jwks, "LOG_LEVEL": "warn",
		"BSN_ENCRYPTION_KEY": kittest.RandomKey(32), "BSN_LOOKUP_KEY": kittest.RandomKey(32),
		// As `werkregio up` runs them.
		"OUTBOX_POLL_INTERVAL": "200ms",
	}
	for k, v := range kittest.EventKeyEnv("groningen", name) {
		env[k] = v
	}
	opts.LogOutput = io.Discard
	return kittest.Launch(name, env, opts, wire)
}

type latency struct{ p50, p99 time.Duration }

type sizeResult struct {
	n                                              int
	healthz, get, first, filtered, last            latency
	bytesGet, bytesFirst, bytesFiltered, bytesLast float64
	seed                                           time.Duration
}

// measureSize seeds n enrolments with their histories in a participants database of their
// own, starts the participants service on it and measures its reads.
func (b *bench) measureSize(ctx context.Context, n, commits, requests int) (sizeResult, func(), error) {
	res := sizeResult{n: n}
	db := fmt.Sprintf("n%d", n)
	url, p, stop, err := b.launch(participants.Name, db, participants.Options(), participants.Wire)
	if err != nil {
		return res, nil, err
	}
	fmt.Printf("seeding %d enrolments x %d commits...\n", n, commits)
	start := time.Now()
	ids, err := seed(ctx, p.Store, n, commits)
	if err != nil {
		stop()
		return res, nil, err
	}
	if _, err := p.Store.Rebuild(ctx, "enrolment"); err != nil {
		stop()
		return res, nil, err
	}
	res.seed = time.Since(start)
	fmt.Printf("  seeded and projected in %s\n", res.seed.Round(time.Second))
	if profileTo != nil {
		_ = pprof.StartCPUProfile(profileTo)
		defer pprof.StopCPUProfile()
		profileTo = nil
	}

	same := func(u string) func(int) string { return func(int) string { return u } }
	if res.healthz, _, err = b.measure(requests, same(url+"/healthz")); err != nil {
		return res, stop, err
	}
	if res.get, res.bytesGet, err = b.measure(requests, func(int) string { return url + "/api/v1/enrolments/" + ids[rand.IntN(len(ids))] }); err != nil {
		return res, stop, err
	}
	if res.first, res.bytesFirst, err = b.measure(requests, same(url+"/api/v1/enrolments?limit=50")); err != nil {
		return res, stop, err
	}
	if res.filtered, res.bytesFiltered, err = b.measure(requests, same(url+"/api/v1/enrolments?limit=50&provider="+provider(3)+"&status=started")); err != nil {
		return res, stop, err
	}
	lastPage, err := b.lastPage(url + "/api/v1/enrolments?limit=50")
	if err != nil {
		return res, stop, err
	}
	if res.last, res.bytesLast, err = b.measure(requests, same(lastPage)); err != nil {
		return res, stop, err
	}
	return res, stop, nil
}

func provider(i int) string { return fmt.Sprintf("%08d", 10000000+i%7) }

// seed writes the histories as commits and returns the enrolment ids.
func seed(ctx context.Context, s *store.Store, n, commits int) ([]string, error) {
	statuses := []string{"enrolled", "started", "completed", "placed", "sustainably_placed", "dropped_out"}
	ids := make([]string, 0, n)
	batch := make([]store.ImportedCommit, 0, 1000)
	at := time.Now().Add(-time.Duration(n*commits) * time.Second)
	for i := range n {
		id := fmt.Sprintf("enr-%08x", i)
		ids = append(ids, id)
		for v := 1; v <= commits; v++ {
			at = at.Add(time.Second)
			status := statuses[min(v/2, len(statuses)-1)]
			if i%2 == 0 && v == commits {
				status = "started" // half of them, so a filtered page is full at 1,000 too
			}
			batch = append(batch, store.ImportedCommit{ID: id, Version: v, Region: "groningen", At: at, Action: "bench",
				State: enrolmentState(i, id, status, v)})
			if len(batch) == cap(batch) {
				if _, err := s.Import(ctx, "enrolment", batch); err != nil {
					return nil, err
				}
				batch = batch[:0]
			}
		}
		if i > 0 && i%20000 == 0 {
			fmt.Printf("  %d enrolments\n", i)
		}
	}
	_, err := s.Import(ctx, "enrolment", batch)
	return ids, err
}

// enrolmentState is an enrolment as the participants service stores it (about 1.5 KB).
func enrolmentState(i int, id, status string, v int) map[string]any {
	history := []map[string]any{}
	for h := 1; h <= v; h++ {
		history = append(history, map[string]any{"status": "enrolled", "on": "2026-03-02", "at": "2026-03-02T09:00:00Z", "by": "coach@gemeente-groningen"})
	}
	return map[string]any{
		"id": id, "participantId": fmt.Sprintf("prt-%08x", i), "region": "groningen", "contractId": "ctr.sch-bench.12345678.1",
		"contractNumber": "OH-2026-001/12345678/1", "schemeId": "sch-bench", "providerKvk": provider(i), "providerName": "Bouwopleiding Noord B.V.",
		"productId": fmt.Sprintf("prd-%d", i%5), "productName": "Basisopleiding Bouw & Techniek", "location": "Groningen, Bornholmstraat 20",
		"startDate": "2026-03-02", "priceCents": 495000, "seat": i%12 + 1, "targetGroups": []string{"participatiewet"}, "status": status,
		"enrolledAt": "2026-02-20T10:00:00Z",
		"terms": map[string]any{"version": 1, "effectiveFrom": "2026-01-01", "minAttendanceHours": 256, "maxPriceCents": 500000,
			"tranches": []map[string]any{{"milestone": "start", "basisPoints": 4000}, {"milestone": "completion", "basisPoints": 4000}, {"milestone": "sustainable_placement", "basisPoints": 2000}}},
		"placements": []any{}, "history": history,
	}
}

var profileTo, idleProfileTo io.Writer

// measure sends n requests, url(i) for the i-th, from the client process, and returns
// their p50 and p99 and the store's bytes read per request.
func (b *bench) measure(n int, url func(i int) string) (latency, float64, error) {
	const warm = 20
	urls := make([]string, n)
	for i := range urls {
		urls[i] = url(i)
	}
	before, err := b.bytesExamined()
	if err != nil {
		return latency{}, 0, err
	}
	ds, err := b.requestTimes(urls, warm)
	if err != nil {
		return latency{}, 0, err
	}
	after, err := b.bytesExamined()
	if err != nil {
		return latency{}, 0, err
	}
	slices.Sort(ds)
	return latency{p50: ds[n/2], p99: ds[min(n-1, n*99/100)]}, float64(after-before) / float64(n+min(warm, n)), nil
}

// lastPage follows the next links to the end and returns the URL of the last page.
func (b *bench) lastPage(first string) (string, error) {
	url := first
	base := first[:strings.Index(first, "/api/")]
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+b.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		var page struct {
			Links struct {
				Next *struct{ Href string } `json:"next"`
			} `json:"_links"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		if page.Links.Next == nil {
			return url, nil
		}
		url = base + page.Links.Next.Href
	}
}

func (b *bench) bytesExamined() (int64, error) {
	var status struct {
		Metrics struct {
			Document struct {
				BytesExamined int64 `bson:"bytesExamined"`
			} `bson:"document"`
		} `bson:"metrics"`
	}
	err := b.mongo.Database("admin").RunCommand(context.Background(), bson.D{{Key: "serverStatus", Value: 1}}).Decode(&status)
	return status.Metrics.Document.BytesExamined, err
}

func (b *bench) commitsStored(ctx context.Context) (int64, error) {
	var total int64
	names, err := b.mongo.ListDatabaseNames(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	for _, n := range names {
		c, err := b.mongo.Database(n).Collection("commits").EstimatedDocumentCount(ctx)
		if err == nil {
			total += c
		}
	}
	return total, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func printReads(rs []sizeResult) {
	base := rs[0]
	fmt.Printf("\nreads on the participants service (sequential requests; ms; bytes = what the store read per request)\n")
	fmt.Printf("  %-22s", "")
	for _, r := range rs {
		fmt.Printf(" %22s", fmt.Sprintf("%d enrolments", r.n))
	}
	fmt.Printf(" %18s\n", "ratio last/first")
	row := func(name string, pick func(sizeResult) latency, bytes func(sizeResult) float64) {
		fmt.Printf("  %-22s", name)
		for _, r := range rs {
			l := pick(r)
			cell := "p50 " + ms(l.p50) + " p99 " + ms(l.p99)
			fmt.Printf(" %22s", cell)
		}
		last := rs[len(rs)-1]
		fmt.Printf("   p50 %.2f p99 %.2f\n", ratio(pick(last).p50, pick(base).p50), ratio(pick(last).p99, pick(base).p99))
		if bytes != nil {
			fmt.Printf("  %-22s", "  bytes read")
			for _, r := range rs {
				fmt.Printf(" %22.0f", bytes(r))
			}
			fmt.Println()
		}
	}
	row("/healthz", func(r sizeResult) latency { return r.healthz }, nil)
	row("GET one enrolment", func(r sizeResult) latency { return r.get }, func(r sizeResult) float64 { return r.bytesGet })
	row("first page (50)", func(r sizeResult) latency { return r.first }, func(r sizeResult) float64 { return r.bytesFirst })
	row("filtered first page", func(r sizeResult) latency { return r.filtered }, func(r sizeResult) float64 { return r.bytesFiltered })
	row("last page", func(r sizeResult) latency { return r.last }, func(r sizeResult) float64 { return r.bytesLast })
	for _, r := range rs {
		fmt.Printf("  at %d: a GET takes %.1fx /healthz (goal <= 5)\n", r.n, ratio(r.get.p50, r.healthz.p50))
	}
	fmt.Printf("  goal: every 100k/1k ratio <= 2\n")
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }
