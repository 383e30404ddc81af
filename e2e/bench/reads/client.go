package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The requests are sent by a client process of its own, as a partner system or a browser
// sends them: in the bench's own process the HTTP client and the service would share one Go
// runtime, which makes /healthz a loopback call no real client sees and GET the only request
// paying for a hop between processes (the one to MongoDB).
const clientEnv = "WERKREGIO_READS_CLIENT"

// isClient reports whether this process was started as the request client.
func isClient() bool { return os.Getenv(clientEnv) != "" }

// runClient sends, one after another, a GET to each URL on stdin with the bearer token in
// the environment, and prints each one's duration in nanoseconds. The first warm URLs are
// sent once beforehand, unmeasured.
func runClient() error {
	token, warm := os.Getenv(clientEnv), 0
	if n, err := strconv.Atoi(os.Getenv(clientEnv + "_WARM")); err == nil {
		warm = n
	}
	var urls []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		urls = append(urls, sc.Text())
	}
	get := func(url string) error {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
	for _, u := range urls[:min(warm, len(urls))] {
		if err := get(u); err != nil {
			return err
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, u := range urls {
		start := time.Now()
		if err := get(u); err != nil {
			return err
		}
		fmt.Fprintln(out, time.Since(start).Nanoseconds())
	}
	return nil
}

// requestTimes runs the client process over urls and returns each request's duration.
func (b *bench) requestTimes(urls []string, warm int) ([]time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), clientEnv+"="+b.token, clientEnv+"_WARM="+strconv.Itoa(warm))
	cmd.Stdin = strings.NewReader(strings.Join(urls, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("request client: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var ds []time.Duration
	for _, f := range strings.Fields(string(raw)) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("request client printed %q", f)
		}
		ds = append(ds, time.Duration(n))
	}
	if len(ds) != len(urls) {
		return nil, fmt.Errorf("request client timed %d of %d requests", len(ds), len(urls))
	}
	return ds, nil
}
