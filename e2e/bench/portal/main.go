// Command portal measures the regional portal's pages as people use them, on `werkregio up`
// with a region's worth of data loaded through the services' APIs (10,000 job seekers, 1,000
// social-return projects by default): each role signs in at the local identity provider,
// and every page is requested one after another; each page's p50 and p95 are printed with
// the ratio of its p95 to the p95 of the portal's /healthz measured in the same run.
// The goal: every page within 10 times the health check and under 300 ms on this machine.
//
//	go run ./e2e/bench/portal                                 # 10,000 participants, 1,000 projects
//	go run ./e2e/bench/portal -participants 1000 -projects 100 # quicker
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	participants := flag.Int("participants", 10_000, "job seekers to register before measuring")
	projects := flag.Int("projects", 1_000, "social-return projects to award before measuring")
	requests := flag.Int("requests", 40, "requests per page")
	flag.Parse()
	if err := run(*participants, *projects, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "portal bench:", err)
		os.Exit(1)
	}
}

// page is one screen a role opens; detail pages take the first link of a list that matches.
type page struct {
	role, path string
	// from names a list page and the link pattern whose first match is this page
	from, link string
}

var pages = []page{
	{role: "coordinator", path: "/regio"},
	{role: "coordinator", path: "/sroi/projecten"},
	{role: "coordinator", path: "/sroi/projecten?contractor=99887766"},
	{role: "coordinator", from: "/sroi/projecten?contractor=99887766", link: `/sroi/projecten/prj-[^"?]+`},
	{role: "coordinator", path: "/deelnemers"},
	{role: "coordinator", path: "/deelnemers?municipality=Delfzijl"},
	{role: "coordinator", from: "/deelnemers", link: `/deelnemers/prt-[^"/?]+`},
	{role: "coordinator", path: "/trajecten"},
	{role: "coordinator", path: "/resultaten"},
	{role: "coordinator", path: "/inkoop/regelingen"},
	{role: "coordinator", path: "/inkoop/contracten"},
	{role: "coordinator", path: "/inkoop/aanmeldingen"},
	{role: "coordinator", path: "/inkoop/aanbestedingen"},
	{role: "coordinator", path: "/inkoop/certificaten"},
	{role: "werkcoach", path: "/deelnemers?mijn=1"},
	{role: "financien", path: "/financien/termijnen?status=payable"},
	{role: "financien", path: "/financien/termijnen?status=held"},
	{role: "financien", path: "/financien/budgetten"},
	{role: "financien", from: "/financien/budgetten", link: `/financien/budgetten/bud-[^"/?]+`},
	{role: "financien", path: "/financien/betaalruns"},
	{role: "financien", path: "/financien/bankrekeningen"},
	{role: "financien", path: "/financien/afwijkingen"},
	{role: "opleider", path: "/aanbod"},
	{role: "opleider", path: "/betalingen"},
	{role: "opleider", path: "/trajecten"},
	{role: "opleider", path: "/organisatie"},
	{role: "opdrachtnemer", path: "/sroi/projecten"},
	{role: "beheerder", path: "/beheer/berichten"},
}

func run(participants, projects, requests int) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "werkregio-portal-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base, err := freePorts(26)
	if err != nil {
		return err
	}
	portal := fmt.Sprintf("http://127.0.0.1:%d", base+10)
	fmt.Printf("starting the platform (werkregio up, data in %s)...\n", dir)
	stop, err := up(root, dir, base)
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	vol := exec.Command("go", "run", "./services/devstack/cmd/werkregio", "volume", "-data-dir", dir, "-base-port", strconv.Itoa(base),
		"-participants", strconv.Itoa(participants), "-projects", strconv.Itoa(projects))
	vol.Dir, vol.Stdout, vol.Stderr = root, os.Stdout, os.Stderr
	if err := vol.Run(); err != nil {
		return fmt.Errorf("volume: %w", err)
	}
	fmt.Printf("loaded %d participants and %d projects in %s\n\n", participants, projects, time.Since(start).Round(time.Second))

	users := map[string]*http.Client{}
	for _, p := range pages {
		if users[p.role] == nil {
			if users[p.role], err = signIn(portal, p.role+"@groningen"); err != nil {
				return fmt.Errorf("%s signs in: %w", p.role, err)
			}
		}
	}
	health := measure(http.DefaultClient, portal+"/healthz", requests*2)
	// the least a signed-in page costs: the session read and the layout, no service asked
	least := measure(users["coordinator"], portal+"/toegankelijkheid", requests)
	fmt.Printf("%-58s %8s %8s %9s %9s  %s\n", "page", "p50 ms", "p95 ms", "p95/hz", "p95/page", "goal (10x /healthz, 300 ms)")
	fmt.Printf("%-58s %8.1f %8.1f %9s\n", "/healthz", ms(health.p50), ms(health.p95), "1.0")
	fmt.Printf("%-58s %8.1f %8.1f %9.1f %9s\n", "coordinator /toegankelijkheid (no service asked)", ms(least.p50), ms(least.p95), float64(least.p95)/float64(health.p95), "1.0")
	slow, over := 0, 0
	for _, p := range pages {
		c := users[p.role]
		path := p.path
		if p.from != "" {
			if path, err = firstLink(c, portal+p.from, p.link); err != nil {
				return fmt.Errorf("%s: %w", p.from, err)
			}
		}
		m := measure(c, portal+path, requests)
		if m.err != nil {
			return fmt.Errorf("%s %s: %w", p.role, path, m.err)
		}
		ratio := float64(m.p95) / float64(health.p95)
		verdict := "ok"
		switch {
		case m.p95 > 300*time.Millisecond:
			verdict, slow = "OVER 300 ms", slow+1
		case ratio > 10:
			verdict, over = "over 10x", over+1
		}
		fmt.Printf("%-58s %8.1f %8.1f %9.1f %9.1f  %s\n", clip(p.role+" "+path, 58), ms(m.p50), ms(m.p95), ratio, float64(m.p95)/float64(least.p95), verdict)
	}
	fmt.Printf("\n%d of %d pages over 300 ms; %d over 10x /healthz\n", slow, len(pages), over)
	return nil
}

type timing struct {
	p50, p95 time.Duration
	err      error
}

// measure requests u n times one after another (after a few to warm up) and takes the
// percentiles of the whole answer, body read.
func measure(c *http.Client, u string, n int) timing {
	var ds []time.Duration
	for i := range n + 3 {
		t0 := time.Now()
		resp, err := c.Get(u)
		if err != nil {
			return timing{err: err}
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return timing{err: fmt.Errorf("status %d", resp.StatusCode)}
		}
		if i >= 3 {
			ds = append(ds, time.Since(t0))
		}
	}
	slices.Sort(ds)
	return timing{p50: ds[len(ds)/2], p95: ds[(len(ds)*95+99)/100-1]}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

var hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// signIn signs in at the portal as a demo user of the local identity provider, as a
// browser does: the portal sends it to the provider, which shows a form of demo users.
func signIn(portal, user string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := c.Get(portal + "/")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{"user": {user}}
	for _, m := range hidden.FindAllStringSubmatch(string(body), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	authorize := resp.Request.URL.ResolveReference(&url.URL{Path: "/authorize"})
	resp, err = c.PostForm(authorize.String(), form)
	if err != nil {
		return nil, err
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Welkom") {
		return nil, fmt.Errorf("not signed in (%d at %s)", resp.StatusCode, resp.Request.URL)
	}
	return c, nil
}

// firstLink is the first link on a list page that matches pattern.
func firstLink(c *http.Client, u, pattern string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(pattern).FindString(string(body))
	if m == "" {
		return "", fmt.Errorf("no link like %s", pattern)
	}
	return html.UnescapeString(m), nil
}

// up starts `werkregio up` in its own process group on ports from base, and waits until it
// has loaded the demo data; stop ends it (and everything it started).
func up(root, dir string, base int) (stop func(), err error) {
	args := []string{"run", "./services/devstack/cmd/werkregio", "up", "-data-dir", dir, "-base-port", strconv.Itoa(base)}
	for i, f := range []string{"-kafka-port", "-mongo-port", "-traces-port", "-otlp-port", "-smtp-port"} {
		args = append(args, f, strconv.Itoa(base+21+i))
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ctrl-C stops everything") {
				ready <- nil
				_, _ = io.Copy(io.Discard, out)
				return
			}
		}
		ready <- errors.New("werkregio up ended before it was ready")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = errors.New("werkregio up not ready in 15 minutes")
	}
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// freePorts finds n free consecutive ports below the ephemeral range and returns the first.
func freePorts(n int) (int, error) {
	for range 200 {
		first := 20000 + rand.IntN(5000)
		ok := true
		for p := first; ok && p < first+n; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				continue
			}
			_ = l.Close()
		}
		if ok && first+25+7000 < 32768 {
			return first, nil
		}
	}
	return 0, errors.New("no free ports")
}

func workspaceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.work above the working directory: run from the repository")
		}
		dir = parent
	}
}
