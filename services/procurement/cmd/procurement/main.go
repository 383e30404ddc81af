// Command procurement serves Open House schemes, provider applications, contracts and the
// tender calendar of one labour-market region.
package main

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/procurement/service"
)

func main() { kit.Main(service.Name, service.Options(), service.Wire) }
