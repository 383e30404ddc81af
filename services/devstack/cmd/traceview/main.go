// Command traceview is the local trace viewer `werkregio up` starts: OTLP/HTTP in on one
// port (4318, the OTLP default), Jaeger's query API and the pages on another (16686, where
// Jaeger's UI is), the newest traces kept in memory.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/werkregio/platform/services/devstack/internal/traceview"
)

func main() {
	otlp := flag.String("otlp-addr", "127.0.0.1:4318", "where services send OTLP/HTTP")
	web := flag.String("http-addr", "127.0.0.1:16686", "the pages and the query API")
	keep := flag.Int("traces", 20000, "traces kept (the oldest received go first)")
	flag.Parse()
	store := traceview.NewStore(*keep)
	errs := make(chan error, 2)
	for _, addr := range []string{*otlp, *web} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "traceview:", err)
			os.Exit(1)
		}
		srv := &http.Server{Handler: store.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errs <- srv.Serve(l) }()
	}
	fmt.Printf("{\"otlp\":\"http://%s\",\"web\":\"http://%s\"}\n", *otlp, *web)
	fmt.Fprintln(os.Stderr, "traceview:", <-errs)
	os.Exit(1)
}
