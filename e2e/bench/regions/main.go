// Command regions measures the region operator at the scale of the Netherlands and ten
// times that, on one real API server (kube-apiserver and etcd built from the Go module
// proxy) and the embedded Kafka broker, in one run:
//
//   - the time until the 35 Dutch labour-market regions are Ready (goal < 10 s), then until
//     350 more are (goal < 60 s). The operator runs as its own process, built from
//     operators/region-operator/cmd with the chart's default settings. envtest runs no
//     nodes and no deployment controller: like kwok, the harness plays them and reports
//     every Deployment rolled out and available as soon as it sees it.
//
//   - the operator's resident memory (after each wave, and its peak), its reconciles and
//     API writes per second, the writes as a ratio of what the API server accepts in the
//     same run (ConfigMaps created by eight parallel writers: the ceiling).
//
//   - the API writes of a restarted operator reconciling every idle Region (goal 0).
//
//     go run ./e2e/bench/regions                    # 35, then 350 Regions
//     go run ./e2e/bench/regions -first 5 -then 20  # quicker
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	first := flag.Int("first", 35, "Regions of the first wave (the Dutch labour-market regions)")
	then := flag.Int("then", 350, "Regions of the second wave")
	flag.Parse()
	if _, err := Run(os.Stdout, Config{First: *first, Then: *then}); err != nil {
		fmt.Fprintln(os.Stderr, "regions:", err)
		os.Exit(1)
	}
}
