// Command payments measures the payments service on the embedded platform, in one run:
//
//   - milestones → due tranches per second (each milestone the first of its enrolment:
//     three tranches, the first due, two committed), as a ratio of the embedded MongoDB's InsertMany of
//     as many documents of the same size in the same run (goal ≥ 0.5);
//
//   - p50 and p99 from a milestone's publication to its due tranche, at a steady pace
//     (goal: p99 < 1 s on the embedded stack);
//
//   - the time and peak heap of streaming a run's SEPA file of each size (goal: memory flat
//     in the number of transfers).
//
//     go run ./e2e/bench/payments                                   # 2,000 milestones, runs of 10k and 100k
//     go run ./e2e/bench/payments -milestones 500 -runs 1000,10000   # quicker
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	milestones := flag.Int("milestones", 2000, "milestones for the throughput measurement")
	paced := flag.Int("paced", 200, "milestones sent at a steady pace for the latency measurement")
	rate := flag.Int("rate", 5, "milestones a second for the latency measurement (below the throughput, or it measures a queue)")
	runs := flag.String("runs", "10000,100000", "transfers in the payment runs whose files are streamed")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*runs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "payments: -runs takes numbers of transfers")
			os.Exit(2)
		}
		sizes = append(sizes, n)
	}
	if _, err := Run(os.Stdout, Config{Milestones: *milestones, Paced: *paced, Rate: *rate, RunSizes: sizes}); err != nil {
		fmt.Fprintln(os.Stderr, "payments:", err)
		os.Exit(1)
	}
}
