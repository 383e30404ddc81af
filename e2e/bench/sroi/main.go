// Command sroi measures the SROI service on the embedded platform, in one run:
//
//   - declarations valued per second: candidates declared over HTTP, their months claimed
//     on the shared topic and valued, until the region's totals show them, as a ratio of
//     the embedded MongoDB's InsertMany of as many documents in the same run;
//
//   - the p50 and p99 of the region's progress overview (totals by status, quarter and
//     candidate type, and the first page of projects) after a tenth of the projects and
//     after all of them (goal: p99 < 100 ms on the embedded stack, the two about equal:
//     the cost does not grow with the region's history).
//
//     go run ./e2e/bench/sroi                                      # 10,000 projects, 100,000 declarations
//     go run ./e2e/bench/sroi -projects 1000 -declarations 5000     # quicker
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	projects := flag.Int("projects", 10_000, "projects (awards)")
	declarations := flag.Int("declarations", 100_000, "candidate declarations")
	reads := flag.Int("reads", 300, "overview reads per measurement")
	flag.Parse()
	if _, err := Run(os.Stdout, Config{Projects: *projects, Declarations: *declarations, Reads: *reads}); err != nil {
		fmt.Fprintln(os.Stderr, "sroi:", err)
		os.Exit(1)
	}
}
