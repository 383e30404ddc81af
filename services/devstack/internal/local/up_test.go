package local

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// `werkregio up` as a developer runs it (on free ports, in a new data directory): once the
// demo data is loaded, the trace viewer holds the trace of one partner message, UWV's
// placement on Kafka, through participants (which places the enrolment) to payments and
// sroi (which consume the milestone), each in its own process.
func TestUpShowsTheDemoFlowAsOneTraceAcrossThreeServices(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the whole platform")
	}
	base := freeRun(t, 6)
	ports := map[string]int{}
	for _, name := range []string{"kafka", "mongo", "traces", "otlp", "oidc"} {
		ports[name] = freeRun(t, 1)
	}
	smtp := freeRun(t, 1)
	for isTaken(smtp + 7000) {
		smtp = freeRun(t, 1)
	}
	args := []string{"-data-dir", t.TempDir(), "-base-port", strconv.Itoa(base), "-kafka-port", strconv.Itoa(ports["kafka"]),
		"-mongo-port", strconv.Itoa(ports["mongo"]), "-smtp-port", strconv.Itoa(smtp),
		"-traces-port", strconv.Itoa(ports["traces"]), "-otlp-port", strconv.Itoa(ports["otlp"]), "-oidc-port", strconv.Itoa(ports["oidc"])}
	ctx, cancel := context.WithCancel(context.Background())
	running := make(chan Running, 1)
	done := make(chan error, 1)
	go func() { done <- up(ctx, args, func(r Running) { running <- r }) }()
	defer func() { cancel(); <-done }()

	var r Running
	select {
	case r = <-running:
	case err := <-done:
		t.Fatalf("up stopped: %v", err)
	case <-time.After(10 * time.Minute):
		t.Fatal("up not ready in 10 minutes")
	}
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

// freeRun finds n free consecutive ports and returns the first.
func freeRun(t *testing.T, n int) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		first := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		ok := first+n < 65000
		for p := first; ok && p < first+n; p++ {
			ok = !isTaken(p)
		}
		if ok {
			return first
		}
	}
	t.Fatal("no free ports")
	return 0
}

func isTaken(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return true
	}
	_ = l.Close()
	return false
}
