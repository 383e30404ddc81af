package service

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/werkregio/platform/services/kit/config"
)

// Main is the body of every service's main: read configuration, start, wire the service's
// own parts, run until SIGTERM. Configuration errors are printed in full and exit 2.
func Main(name string, opts Options, wire func(*Platform) error) {
	cfg, err := LoadConfig(name, config.FromOS())
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, opts, wire); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg Config, opts Options, wire func(*Platform) error) error {
	p, err := Start(ctx, cfg, opts)
	if err != nil {
		return err
	}
	if err := wire(p); err != nil {
		p.Close()
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		p.Close()
		return err
	}
	ops, err := net.Listen("tcp", cfg.OpsAddr)
	if err != nil {
		_ = ln.Close()
		p.Close()
		return err
	}
	return p.Run(ctx, ln, ops)
}
