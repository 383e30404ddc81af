// Command smoke checks a deployed werkregio region: skaffold's verify step runs it as a
// container; anyone can run it against a cluster's services:
//
//	WERKREGIO_REGION=groningen WERKREGIO_TARGETS="procurement=http://localhost:8081|http://localhost:8091,providers=http://localhost:8082|http://localhost:8092" go run ./e2e/cluster/cmd/smoke
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/werkregio/platform/e2e/cluster"
)

func main() {
	targets, err := cluster.ParseTargets(os.Getenv("WERKREGIO_TARGETS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "smoke: WERKREGIO_TARGETS:", err)
		os.Exit(2)
	}
	region := os.Getenv("WERKREGIO_REGION")
	if region == "" {
		region = "groningen"
	}
	errs := cluster.Check(context.Background(), region, targets, 3*time.Minute)
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, "FAIL", e)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
	fmt.Printf("ok: %d services of region %s\n", len(targets), region)
}
