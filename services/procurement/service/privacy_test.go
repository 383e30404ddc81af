package service_test

import (
	"testing"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/procurement/service"
)

// A BSN put in any field of any operation never comes back in an error, a log line, a
// span or a metric.
func TestABSNInAnyFieldNeverLeaksIntoErrorsLogsSpansOrMetrics(t *testing.T) {
	r := start(t)
	raw, _ := contracts.OpenAPI(service.Name)
	tokens := []string{r.token(t, "groningen", "gemeente-groningen", auth.RoleBuyer), r.token(t, "groningen", "12345678", auth.RoleProvider),
		r.token(t, "groningen", "regio-groningen", auth.RoleAdmin)}
	r.pf.CheckNoPersonalDataLeaks(t, r.Running, raw, contracts.OpenAPIFiles(), tokens, nil)
}
