// Command sroi monitors social return: obligations from awards, declarations valued with
// the region's dated tables, candidate-months counted once across projects and regions,
// progress with reminders by e-mail, and the regional jobs goal.
package main

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/sroi/service"
)

func main() { kit.Main(service.Name, service.Options(), service.Wire) }
