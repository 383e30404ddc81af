// Command participants serves job seekers, their enrolments with contracted providers and
// the trajectory milestones of one region; it consumes attendance and placements from
// partner systems.
package main

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/participants/service"
)

func main() { kit.Main(service.Name, service.Options(), service.Wire) }
