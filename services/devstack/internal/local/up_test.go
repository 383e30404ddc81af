package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/werkregio/platform/services/devstack/internal/demo"
	"github.com/werkregio/platform/services/kit/auth"
)

// `werkregio up` as a developer runs it: once the demo data is loaded, the trace viewer
// holds the trace of one partner message, UWV's placement on Kafka, through participants (which places the enrolment) to payments and
// sroi (which consume the milestone), each in its own process.
func TestUpShowsTheDemoFlowAsOneTraceAcrossThreeServices(t *testing.T) {
	r := platform(t)
	// the local identity provider answers discovery as its issuer
	var disc struct{ Issuer string }
	if resp, err := http.Get(r.SignIn + "/.well-known/openid-configuration"); err != nil || json.NewDecoder(resp.Body).Decode(&disc) != nil || disc.Issuer != r.SignIn {
		t.Errorf("sign-in discovery at %s: issuer %q, %v", r.SignIn, disc.Issuer, err)
	}
	// spans leave the services in batches (every 5 s by default)
	deadline := time.Now().Add(30 * time.Second)
	for {
		traces, err := tracesAcross(r.Traces, "process groningen.partners.placements.v1", 3)
		for _, services := range traces {
			if slices.Contains(services, "participants") && slices.Contains(services, "payments") && slices.Contains(services, "sroi") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no trace across participants, payments and sroi in %s (%d across three or more: %v; %v)", r.Traces, len(traces), traces, err)
		}
		time.Sleep(time.Second)
	}
}

// tracesAcross asks the viewer's Jaeger API for the traces with an operation of
// participants that crossed at least n services, and returns the services of each.
func tracesAcross(viewer, operation string, n int) ([][]string, error) {
	resp, err := http.Get(fmt.Sprintf("%s/api/traces?service=participants&operation=%s&minServices=%d&limit=200", viewer, url.QueryEscape(operation), n))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var found struct {
		Data []struct {
			Processes map[string]struct {
				ServiceName string `json:"serviceName"`
			} `json:"processes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&found); err != nil {
		return nil, err
	}
	var out [][]string
	for _, tr := range found.Data {
		var services []string
		for _, p := range tr.Processes {
			services = append(services, p.ServiceName)
		}
		slices.Sort(services)
		out = append(out, services)
	}
	return out, nil
}

// The platform `werkregio up` starts once for the package's tests (building and starting
// it takes a minute): the trace test and the portal's browser suite share it.
var shared struct {
	once    sync.Once
	running Running
	dataDir string // where up keeps its keys: a test mints tokens with them
	err     error
	stop    func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// platform runs `werkregio up` as a developer does (on free ports, in a new data directory)
// and returns where everything is once the demo data is loaded.
func platform(t *testing.T) Running {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the whole platform")
	}
	shared.once.Do(func() { shared.running, shared.err = startPlatform() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.running
}

func startPlatform() (Running, error) {
	dir, err := os.MkdirTemp("", "werkregio-up-")
	if err != nil {
		return Running{}, err
	}
	// services on base+1..+5, the identity provider on +9, the portal on +10, and their
	// internal listeners 10 higher; Kafka, MongoDB, the trace viewer, OTLP and SMTP on
	// +21..+25 (and mailpit's web view 7000 above SMTP): one range, so no port of one is
	// picked for another while both are free
	base, err := freePorts(26)
	for err == nil && isTaken(base+25+7000) {
		base, err = freePorts(26)
	}
	if err != nil {
		return Running{}, err
	}
	shared.dataDir = dir
	args := []string{"-data-dir", dir, "-base-port", strconv.Itoa(base)}
	for i, flag := range []string{"-kafka-port", "-mongo-port", "-traces-port", "-otlp-port", "-smtp-port"} {
		args = append(args, flag, strconv.Itoa(base+21+i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	running := make(chan Running, 1)
	done := make(chan error, 1)
	go func() { done <- up(ctx, args, func(r Running) { running <- r }) }()
	shared.stop = func() { cancel(); <-done; _ = os.RemoveAll(dir) }
	select {
	case r := <-running:
		return r, nil
	case err := <-done:
		shared.stop = func() { cancel(); _ = os.RemoveAll(dir) } // up has ended already
		return Running{}, fmt.Errorf("up stopped: %w", err)
	case <-time.After(10 * time.Minute):
		return Running{}, errors.New("up not ready in 10 minutes")
	}
}

// freePorts finds n free consecutive ports and returns the first.
func freePorts(n int) (int, error) {
	// Below the ephemeral range (32768 on Linux): the outgoing connections of the tests that
	// run beside these never take such a port between its check and its use.
	for range 200 {
		first := 20000 + rand.IntN(5000)
		ok := true
		for p := first; ok && p < first+n; p++ {
			ok = !isTaken(p)
		}
		if ok {
			return first, nil
		}
	}
	return 0, errors.New("no free ports")
}

func isTaken(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return true
	}
	_ = l.Close()
	return false
}

// Readiness names each failing dependency and its error, and metrics show the business's
// volumes: both are served on each process's internal listener, never where the API or the
// portal's pages are (which an ingress makes public).
func TestReadinessAndMetricsAreNotServedWherePeopleAndPartnersAre(t *testing.T) {
	r := platform(t)
	public := map[string]string{"portal": r.Portal}
	for name, u := range r.URLs {
		public[name] = u
	}
	for name, u := range public {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		port, _ := strconv.Atoi(pu.Port())
		ops := fmt.Sprintf("http://127.0.0.1:%d", opsPort(port))
		for path, want := range map[string]int{"/healthz": 200, "/readyz": 404, "/metrics": 404} {
			if got := statusOf(t, u+path); got != want {
				t.Errorf("%s %s on the public listener: %d, want %d", name, path, got, want)
			}
		}
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			if got := statusOf(t, ops+path); got != 200 {
				t.Errorf("%s %s on the internal listener: %d, want 200", name, path, got)
			}
		}
	}
}

func statusOf(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// demoTarget is the running platform as the demo loader reaches it, with tokens of up's issuer.
func demoTarget(t *testing.T, r Running) demo.Target {
	t.Helper()
	keys, err := auth.LoadOrCreateDevIssuer(filepath.Join(shared.dataDir, "auth"), issuer, audience)
	if err != nil {
		t.Fatal(err)
	}
	return demo.Target{Region: r.Region, URLs: r.URLs, Tokens: keys, Kafka: r.Kafka}
}
