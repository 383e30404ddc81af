package crash

import (
	"testing"

	"github.com/werkregio/platform/e2e/internal/proc"
	"github.com/werkregio/platform/services/kit/kittest"
)

// startService starts a service's binary on the shared embedded infrastructure, with topics
// of its own; the test kills it with SIGKILL and starts it again (proc.Service.Kill).
func startService(t *testing.T, name string, extraEnv ...string) *proc.Service {
	t.Helper()
	infra := kittest.Shared(t)
	return proc.NewPlatform(t, infra.Kafka, infra.MongoURI, "crash"+name).Start(t, name, extraEnv...)
}
