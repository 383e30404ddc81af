package service_test

import (
	"testing"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/providers/service"
)

// A BSN put in any field of any operation never comes back in an error, a log line, a
// span or a metric.
func TestABSNInAnyFieldNeverLeaksIntoErrorsLogsSpansOrMetrics(t *testing.T) {
	pf, r := start(t, &kittest.Clock{})
	raw, _ := contracts.OpenAPI(service.Name)
	tokens := []string{pf.Token(t, "12345678", auth.RoleProvider), pf.Token(t, "gemeente-groningen", auth.RoleBuyer), pf.Token(t, "regio-groningen", auth.RoleAdmin)}
	pf.CheckNoPersonalDataLeaks(t, r, raw, contracts.OpenAPIFiles(), tokens, nil)
}
