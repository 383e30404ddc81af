// Command providers serves the registry of training providers with their certificates and
// the offer (locations, start dates, capacity) under each contract of one region.
package main

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/providers/service"
)

func main() { kit.Main(service.Name, service.Options(), service.Wire) }
