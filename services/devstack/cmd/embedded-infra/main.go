// Command embedded-infra runs the platform's embedded infrastructure in its own process: a
// Kafka protocol broker (franz-go kfake) and a MongoDB wire-protocol server (mongosqlite:
// MongoDB's protocol on SQLite files), both persisted under a data directory. It is for
// development and tests only; production points the same service binaries at real Kafka
// and MongoDB.
//
// It runs apart from the services so that a service process holds nothing but its own
// work, as in production. When both listeners are up it prints one JSON line with their
// addresses on stdout, and it stops on SIGINT/SIGTERM or when stdin closes (so a test that
// dies takes it along).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/werkregio/platform/services/mongosqlite"
)

// Ready is printed as one JSON line when both servers listen.
type Ready struct {
	Kafka string `json:"kafka"`
	Mongo string `json:"mongo"`
}

func main() {
	dataDir := flag.String("data-dir", "", "directory to persist Kafka and MongoDB data in (empty: a temporary directory, removed on exit)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	kafkaPort := flag.Int("kafka-port", 0, "Kafka port (0: any free port)")
	mongoPort := flag.Int("mongo-port", 0, "MongoDB port (0: any free port)")
	partitions := flag.Int("partitions", 3, "partitions of auto-created topics")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "exit when standard input closes")
	flag.Parse()

	// A CPU profile of the infrastructure, for measuring what an idle platform costs.
	if path := os.Getenv("WERKREGIO_INFRA_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*dataDir, *host, *kafkaPort, *mongoPort, *partitions, *watchStdin); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "embedded-infra:", err)
		os.Exit(1)
	}
}

func run(dataDir, host string, kafkaPort, mongoPort, partitions int, watchStdin bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "werkregio-infra-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	kafkaDir, mongoDir := filepath.Join(dataDir, "kafka"), filepath.Join(dataDir, "mongo")
	for _, d := range []string{kafkaDir, mongoDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(kafkaPort),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, port, _ := net.SplitHostPort(addr)
			return net.Listen(network, net.JoinHostPort(host, port))
		}),
		kfake.DataDir(kafkaDir),
		kfake.DefaultNumPartitions(partitions),
		kfake.GroupMinSessionTimeout(time.Second),
	)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	defer cluster.Close()

	mongo, err := mongosqlite.New(mongoDir, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return fmt.Errorf("mongodb: %w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(mongoPort)))
	if err != nil {
		return fmt.Errorf("mongodb: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- mongo.Serve(ln) }()
	defer mongo.Close()

	mongoURI := "mongodb://" + ln.Addr().String() + "/?directConnection=true"
	ready, _ := json.Marshal(Ready{Kafka: cluster.ListenAddrs()[0], Mongo: mongoURI})
	fmt.Println(string(ready))

	select {
	case <-ctx.Done():
		_ = ln.Close()
		return nil
	case err := <-done:
		return err
	}
}
