// Command payments pays providers in tranches at their enrolments' milestones: budgets per
// financing source, pre-checks and holds, approvals, SEPA payment runs and the bank's
// answers.
package main

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/payments/service"
)

func main() { kit.Main(service.Name, service.Options(), service.Wire) }
