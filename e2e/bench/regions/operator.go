package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// operator is the region operator's process, as the chart runs it (default settings; no
// leader election: one replica).
type operator struct {
	cmd     *exec.Cmd
	metrics func() (metrics, error)
	log     string
}

// reviewsKey holds, in a scrape, the API server's authentication and authorisation reviews
// the scraper caused since the operator started (left out of its writes).
const reviewsKey = "bench_scraper_reviews"

func startOperator(ctx context.Context, bin, kubeconfig, dir string, sc *scraper) (*operator, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	probe, err := freeAddr()
	if err != nil {
		return nil, err
	}
	log := filepath.Join(dir, fmt.Sprintf("operator-%d.log", time.Now().UnixNano()))
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--leader-elect=false", "--metrics-bind-address="+addr, "--health-probe-bind-address="+probe,
		"--image-registry=registry.test/werkregio", "--image-tag=bench", "--zap-log-level=error")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	baseline, err := sc.reviews(ctx)
	if err != nil {
		return nil, err
	}
	op := &operator{cmd: cmd, log: log, metrics: func() (metrics, error) {
		m, err := sc.scrape("https://" + addr + "/metrics")
		if err != nil {
			return nil, err
		}
		reviews, err := sc.reviews(ctx)
		m[reviewsKey] = reviews - baseline
		return m, err
	}}
	for range 100 {
		if _, err := op.metrics(); err == nil {
			return op, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	op.stop()
	return nil, fmt.Errorf("the operator did not serve metrics within 10 s (log: %s)", log)
}

func (o *operator) stop() {
	if o.cmd.ProcessState == nil {
		_ = o.cmd.Process.Signal(os.Interrupt)
		_ = o.cmd.Wait()
	}
}

// memory is the process's resident set now and at its peak (VmRSS, VmHWM), in bytes.
func (o *operator) memory() (now, peak int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", o.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			now = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return now, peak
}

// settled waits until the operator has reconciled n Regions and its queue stayed empty for
// two seconds, and returns its metrics then.
func (o *operator) settled(ctx context.Context, n int) (metrics, error) {
	deadline := time.Now().Add(5 * time.Minute)
	quietSince := time.Time{}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		m, err := o.metrics()
		if err == nil && m.reconciles() >= float64(n) && m.sum("workqueue_depth", `name="region"`) == 0 {
			if quietSince.IsZero() {
				quietSince = time.Now()
			} else if time.Since(quietSince) > 2*time.Second {
				return m, nil
			}
		} else {
			quietSince = time.Time{}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, fmt.Errorf("not settled within 5 minutes")
}

// metrics are the Prometheus samples of one scrape: "name{labels}" → value.
type metrics map[string]float64

// sum adds the samples of a metric whose labels contain every one of want.
func (m metrics) sum(name string, want ...string) float64 {
	total := 0.0
	for k, v := range m {
		if k != name && !strings.HasPrefix(k, name+"{") {
			continue
		}
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(k, w)
		}
		if ok {
			total += v
		}
	}
	return total
}

func (m metrics) reconciles() float64 {
	return m.sum("controller_runtime_reconcile_total", `controller="region"`)
}

// writes are the operator's requests to the API server that change something, less the
// reviews of the scraper's token and access.
func (m metrics) writes() float64 {
	n := 0.0
	for _, verb := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		n += m.sum("rest_client_requests_total", `method="`+verb+`"`)
	}
	return n - m[reviewsKey]
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}
