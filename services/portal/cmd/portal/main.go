// Command portal is the regional portal: the screens of buyers, providers, work coaches,
// contractors, finance and the region, signed in with the region's identity provider.
package main

import "github.com/werkregio/platform/services/portal/service"

func main() { service.Main() }
