package local

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/werkregio/platform/services/devstack/internal/demo"
	"github.com/werkregio/platform/services/kit/auth"
)

// Up builds and starts the embedded infrastructure and every service, loads the demo data
// once, prints where everything is, and runs until interrupted.
func Up(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return up(ctx, args, nil)
}

// Running is where a started platform is, for tests.
type Running struct {
	URLs   map[string]string
	Traces string // the trace viewer's pages and query API
	SignIn string // the local OpenID Connect provider (issuer)
	Portal string // the regional portal
	Kafka  string // the embedded Kafka (host:port)
	Region string
	Mail   string // the mail sink's web view and API ("" when it did not start)
}

// up is Up until ctx ends; onReady (if any) hears where everything is once the demo data
// is loaded.
func up(ctx context.Context, args []string, onReady func(Running)) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	dataDir := fs.String("data-dir", ".werkregio", "where Kafka, MongoDB, keys and logs are kept across restarts")
	region := fs.String("region", "groningen", "region code of this platform instance")
	basePort := fs.Int("base-port", 8080, "services listen on base-port+1, +2, ..., the portal on +10; each one's readiness and metrics 10 higher")
	kafkaPort := fs.Int("kafka-port", 19092, "embedded Kafka port")
	mongoPort := fs.Int("mongo-port", 27018, "embedded MongoDB port")
	noDemo := fs.Bool("no-demo", false, "do not load demo data")
	smtpPort := fs.Int("smtp-port", 1025, "the local SMTP sink's port (mailpit; its web view on smtp-port+7000)")
	tracesPort := fs.Int("traces-port", 16686, "the trace viewer's pages and query API (Jaeger's port)")
	otlpPort := fs.Int("otlp-port", 4318, "where the services send their spans (OTLP/HTTP)")
	oidcPort := fs.Int("oidc-port", 0, "the local OpenID Connect provider (default base-port+9)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	dir, err := absDataDir(*dataDir)
	if err != nil {
		return err
	}
	for _, d := range []string{"bin", "logs", "auth", "infra"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	issuerKeys, err := auth.LoadOrCreateDevIssuer(filepath.Join(dir, "auth"), issuer, audience)
	if err != nil {
		return err
	}
	keys, err := loadOrCreateSecrets(dir, *region)
	if err != nil {
		return err
	}

	svcs := services(*basePort)
	fmt.Printf("building the embedded Kafka and MongoDB and %d services (on a new machine a few minutes, then seconds)...\n", len(svcs))
	progs := []program{{"embedded-infra", "github.com/werkregio/platform/services/devstack/cmd/embedded-infra"},
		{"traceview", "github.com/werkregio/platform/services/devstack/cmd/traceview"},
		{"portal", "github.com/werkregio/platform/services/portal/cmd/portal"}}
	for _, s := range svcs {
		progs = append(progs, program{s.Name, s.Pkg})
	}
	bins, err := buildAll(ctx, root, filepath.Join(dir, "bin"), progs)
	if err != nil {
		return err
	}
	infraBin := bins["embedded-infra"]
	fmt.Println("starting the embedded Kafka and MongoDB...")

	var children []*exec.Cmd
	defer func() { stopAll(children) }()

	infra := exec.Command(infraBin, "-data-dir", filepath.Join(dir, "infra"),
		"-kafka-port", strconv.Itoa(*kafkaPort), "-mongo-port", strconv.Itoa(*mongoPort))
	infraLog, err := os.Create(filepath.Join(dir, "logs", "embedded-infra.log"))
	if err != nil {
		return err
	}
	infra.Stderr = infraLog
	out, _ := infra.StdoutPipe()
	if err := infra.Start(); err != nil {
		return err
	}
	children = append(children, infra)
	var ready struct{ Kafka, Mongo string }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || json.Unmarshal([]byte(line), &ready) != nil {
		return fmt.Errorf("embedded infrastructure did not start; see %s", infraLog.Name())
	}

	mail, err := startMailSink(root, dir, *smtpPort)
	if err != nil {
		fmt.Printf("no local SMTP sink (%v): notifications are published as events only\n", err)
	} else {
		children = append(children, mail.cmd)
		keys.SMTPAddr = mail.smtp
		keys.PortalURL = fmt.Sprintf("http://127.0.0.1:%d", *basePort+10)
	}

	if *oidcPort == 0 {
		*oidcPort = *basePort + 9
	}
	signIn, err := startIdentityProvider(ctx, *region, *oidcPort, *basePort+10, issuerKeys)
	if err != nil {
		return err
	}

	traces, err := startTraceViewer(bins["traceview"], dir, *otlpPort, *tracesPort)
	if err != nil {
		return err
	}
	children = append(children, traces.cmd)

	for _, s := range svcs {
		cmd := exec.Command(bins[s.Name])
		cmd.Env = append(os.Environ(),
			"REGION="+*region,
			"HTTP_ADDR=127.0.0.1:"+strconv.Itoa(s.Port),
			"OPS_ADDR=127.0.0.1:"+strconv.Itoa(opsPort(s.Port)),
			"KAFKA_BROKERS="+ready.Kafka,
			"MONGO_URI="+ready.Mongo,
			"AUTH_ISSUER="+issuer,
			"AUTH_AUDIENCE="+audience,
			"AUTH_JWKS_FILE="+filepath.Join(dir, "auth", auth.PublicSetFile),
			// A local write wakes its relay at once; the interval only paces the look for
			// commits of another process. Consumer groups keep Kafka's default timings: one
			// member each, so nothing waits on a rebalance, and fast heartbeats would cost
			// idle CPU.
			"OUTBOX_POLL_INTERVAL=200ms",
			// every span to the local trace viewer, every trace kept
			"OTEL_EXPORTER_OTLP_ENDPOINT="+traces.otlp,
			"OTEL_TRACES_SAMPLER_RATIO=1",
		)
		cmd.Env = append(cmd.Env, keys.eventKeyEnv(s.Name)...)
		if s.Env != nil {
			cmd.Env = append(cmd.Env, s.Env(keys)...)
		}
		logf, err := os.Create(filepath.Join(dir, "logs", s.Name+".log"))
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			return err
		}
		children = append(children, cmd)
	}
	fmt.Printf("starting %d services and waiting until they are ready...\n", len(svcs))
	for _, s := range svcs {
		if err := waitReady(ctx, fmt.Sprintf("http://127.0.0.1:%d/readyz", opsPort(s.Port)), 60*time.Second); err != nil {
			return fmt.Errorf("%s did not become ready (see %s): %w", s.Name, filepath.Join(dir, "logs", s.Name+".log"), err)
		}
	}

	urls := map[string]string{}
	for _, s := range svcs {
		urls[s.Name] = fmt.Sprintf("http://127.0.0.1:%d", s.Port)
	}
	marker := filepath.Join(dir, "demo-loaded-"+*region)
	if _, err := os.Stat(marker); errors.Is(err, os.ErrNotExist) && !*noDemo {
		fmt.Println("loading demo data for", *region, "...")
		if err := demo.Load(ctx, demo.Target{Region: *region, URLs: urls, Tokens: issuerKeys, Kafka: ready.Kafka}); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		_ = os.WriteFile(marker, []byte(time.Now().Format(time.RFC3339)), 0o644)
	}

	portalURL := fmt.Sprintf("http://127.0.0.1:%d", *basePort+10)
	portal := exec.Command(bins["portal"])
	portal.Env = append(os.Environ(), "REGION="+*region, "HTTP_ADDR=127.0.0.1:"+strconv.Itoa(*basePort+10),
		"OPS_ADDR=127.0.0.1:"+strconv.Itoa(opsPort(*basePort+10)), "PORTAL_PUBLIC_URL="+portalURL,
		"OIDC_ISSUER="+signIn, "OIDC_CLIENT_ID="+portalClientID, "OIDC_CLIENT_SECRET="+portalClientSecret,
		"SESSION_KEY="+keys.PortalSessionKey, "SESSION_COOKIE_SECURE=false", // http on this machine only
		"MONGO_URI="+ready.Mongo,
		"OTEL_EXPORTER_OTLP_ENDPOINT="+traces.otlp, "OTEL_TRACES_SAMPLER_RATIO=1")
	for _, s := range svcs {
		portal.Env = append(portal.Env, strings.ToUpper(s.Name)+"_URL="+urls[s.Name])
	}
	portalLog, err := os.Create(filepath.Join(dir, "logs", "portal.log"))
	if err != nil {
		return err
	}
	portal.Stdout, portal.Stderr = portalLog, portalLog
	if err := portal.Start(); err != nil {
		return err
	}
	children = append(children, portal)
	if err := waitReady(ctx, fmt.Sprintf("http://127.0.0.1:%d/readyz", opsPort(*basePort+10)), 30*time.Second); err != nil {
		return fmt.Errorf("the portal did not become ready (see %s): %w", portalLog.Name(), err)
	}

	token, err := issuerKeys.Issue(auth.Principal{Subject: "inkoper@" + *region, Name: "Inkoper " + *region, Region: *region, Org: demo.BuyerOrg, Roles: []auth.Role{auth.RoleBuyer}}, 12*time.Hour)
	if err != nil {
		return err
	}
	coach, err := issuerKeys.Issue(auth.Principal{Subject: "werkcoach@" + *region, Name: "Werkcoach " + *region, Region: *region, Org: demo.BuyerOrg, Roles: []auth.Role{auth.RoleWorkCoach}}, 12*time.Hour)
	if err != nil {
		return err
	}
	fmt.Printf("\nwerkregio is running for region %s (data in %s)\n\n", *region, dir)
	for _, s := range svcs {
		fmt.Printf("  %-12s %s   (logs: %s)\n", s.Name, urls[s.Name], filepath.Join(dir, "logs", s.Name+".log"))
	}
	fmt.Printf("  %-12s %s\n  %-12s %s\n", "kafka", ready.Kafka, "mongodb", ready.Mongo)
	if mail != nil {
		fmt.Printf("  %-12s %s   (the e-mails the platform sends: SROI, finance, providers; SMTP on %s)\n", "mailpit", mail.web, mail.smtp)
	}
	fmt.Printf("  %-12s %s   (the regional portal: open it, choose a demo user of any role, one click)\n", "portal", portalURL)
	fmt.Printf("  %-12s %s   (OpenID Connect: one demo user per role, one click; client %q)\n", "sign-in", signIn, portalClientID)
	fmt.Printf("  %-12s %s   (every trace of the services, e.g. %s/?minServices=3; Jaeger's query API under /api; OTLP in on %s)\n",
		"traces", traces.web, traces.web, traces.otlp)
	fmt.Printf("\nA buyer token and a work coach token (12 h) for %s:\n\n  export TOKEN=%s\n  export COACH=%s\n\n", demo.BuyerOrg, token, coach)
	fmt.Printf("Try:\n  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/schemes\n", urls["procurement"])
	fmt.Printf("  curl -s %s/api/v1/public/regions/%s/tender-calendar.ics\n", urls["procurement"], *region)
	fmt.Printf("  curl -s -H \"Authorization: Bearer $COACH\" %s/api/v1/offers\n", urls["providers"])
	fmt.Printf("  curl -s -H \"Authorization: Bearer $COACH\" %s/api/v1/enrolments\n", urls["participants"])
	if u, ok := urls["sroi"]; ok {
		fmt.Printf("  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/projects\n", u)
		fmt.Printf("  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/totals\n", u)
	}
	fmt.Printf("Other roles: go run ./services/devstack/cmd/werkregio token -role provider -org %s\n\nCtrl-C stops everything.\n", demo.ProviderKvK)

	if onReady != nil {
		mailWeb := ""
		if mail != nil {
			mailWeb = mail.web
		}
		onReady(Running{URLs: urls, Traces: traces.web, SignIn: signIn, Portal: portalURL, Kafka: ready.Kafka, Region: *region, Mail: mailWeb})
	}
	// Run until interrupted or until a child dies.
	died := make(chan string, len(children))
	for _, c := range children {
		go func() { _ = c.Wait(); died <- filepath.Base(c.Path) }()
	}
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping...")
		return nil
	case name := <-died:
		return fmt.Errorf("%s stopped unexpectedly; see its log in %s", name, filepath.Join(dir, "logs"))
	}
}

// opsPort is where a process on port serves /healthz, /readyz and /metrics: not where its
// API or pages are.
func opsPort(port int) int { return port + 10 }

func waitReady(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("readyz answered %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return last
}

// stopAll stops services first and the infrastructure last (reverse start order).
func stopAll(children []*exec.Cmd) {
	for i := len(children) - 1; i >= 0; i-- {
		c := children[i]
		if c.Process == nil || c.ProcessState != nil {
			continue
		}
		_ = c.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = c.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = c.Process.Kill()
		}
	}
}
