package local

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/werkregio/platform/services/devstack/internal/demo"
	"github.com/werkregio/platform/services/kit/auth"
)

// Volume loads a region's worth of data into a running `werkregio up` through the services'
// APIs, as people would enter it: job seekers registered by work coaches, and awarded tenders
// with a social-return obligation. The portal's harness (e2e/bench/portal) measures on it.
func Volume(args []string) error {
	fs := flag.NewFlagSet("volume", flag.ContinueOnError)
	dataDir := fs.String("data-dir", ".werkregio", "data directory of the local platform")
	basePort := fs.Int("base-port", 8080, "the base port `werkregio up` was started with")
	region := fs.String("region", "groningen", "region code")
	participants := fs.Int("participants", 10_000, "job seekers to register")
	projects := fs.Int("projects", 1_000, "tenders to award with a social-return obligation")
	first := fs.Int("first", 0, "number of the first BSN of the series (another load takes others)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := absDataDir(*dataDir)
	if err != nil {
		return err
	}
	keys, err := auth.LoadOrCreateDevIssuer(filepath.Join(dir, "auth"), issuer, audience)
	if err != nil {
		return err
	}
	urls := map[string]string{}
	for _, s := range services(*basePort) {
		urls[s.Name] = fmt.Sprintf("http://127.0.0.1:%d", s.Port)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t := demo.Target{Region: *region, URLs: urls, Tokens: keys}
	start := time.Now()
	if err := demo.Participants(ctx, t, *participants, *first); err != nil {
		return err
	}
	fmt.Printf("%d participants registered in %s\n", *participants, time.Since(start).Round(time.Second))
	start = time.Now()
	if _, err := demo.Projects(ctx, t, *projects); err != nil {
		return err
	}
	fmt.Printf("%d projects awarded in %s\n", *projects, time.Since(start).Round(time.Second))
	return nil
}
