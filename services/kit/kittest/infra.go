// Package kittest runs services in-process against the embedded Kafka and MongoDB for tests
// (real wire protocols, nothing mocked), checks their answers against the OpenAPI
// documents, and reads what they published.
package kittest

import (
	"testing"

	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/embedded"
)

// Infra is a running embedded Kafka + MongoDB.
type Infra = embedded.Infra

// Shared starts one infrastructure process per test binary.
func Shared(tb testing.TB) *Infra { return embedded.Shared(tb) }

// Start starts an infrastructure process of one's own ("" : temporary data).
var Start = embedded.Start

// WorkspaceRoot is the directory holding go.work.
var WorkspaceRoot = testenv.WorkspaceRoot
