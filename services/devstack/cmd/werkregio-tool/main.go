// Command werkregio-tool is what the werkregio command builds and runs (see cmd/werkregio):
//
//	werkregio up      start the platform locally on the embedded Kafka and MongoDB
//	werkregio token   print a dev token for a role, region and organisation
//	werkregio test    run every test of every module in the workspace
//	werkregio tools   build kube-apiserver, etcd, kubectl, controller-gen and helm once
//	werkregio images  build the container images with ko, no Docker daemon needed
//	werkregio keys    print a region's event signing keys (Secret and ConfigMap)
//	werkregio skaffold  check skaffold.yaml (diagnose, offline render) or run skaffold
package main

import (
	"fmt"
	"os"

	"github.com/werkregio/platform/services/devstack/internal/local"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = local.Up(os.Args[2:])
	case "token":
		err = local.Token(os.Args[2:])
	case "test":
		err = local.Test(os.Args[2:])
	case "tools":
		err = local.Tools(os.Args[2:])
	case "images":
		err = local.Images(os.Args[2:])
	case "skaffold":
		err = local.Skaffold(os.Args[2:])
	case "keys":
		err = local.Keys(os.Args[2:])
	case "volume":
		err = local.Volume(os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "werkregio:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: go run ./services/devstack/cmd/werkregio <command> [flags]

commands:
  up      start the platform locally (embedded Kafka + MongoDB, demo data for Groningen)
  token   print a dev token: token -role buyer -region groningen -org gemeente-groningen
  test    run all tests of all modules (what CI runs)
  tools   build the Kubernetes test binaries and helm, print their paths
  images  build the service and operator images with ko into a local registry (no Docker)
  volume  load a region's worth into a running up: volume -participants 10000 -projects 1000
  keys    print a region's event signing keys as a Secret and a ConfigMap: keys -region groningen | kubectl apply -f -
  skaffold  build skaffold once (heavy) and check skaffold.yaml, or run it: skaffold run -p e2e ...
`)
}
