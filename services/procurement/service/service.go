// Package service wires the procurement service onto the shared platform kit.
package service

import (
	kit "github.com/werkregio/platform/services/kit/service"
	"github.com/werkregio/platform/services/kit/store"
	"github.com/werkregio/platform/services/procurement/internal/adapters"
	"github.com/werkregio/platform/services/procurement/internal/app"
	"github.com/werkregio/platform/services/procurement/internal/ports"
)

// Name is the service slug: directory, binary, image, Kubernetes name, CloudEvents source.
const Name = "procurement"

// Options are the platform options of this service.
func Options() kit.Options { return kit.OptionsFor(Name, nil, adapters.Views) }

// Wire mounts the procurement application on a started platform.
func Wire(p *kit.Platform) error {
	repo := adapters.NewRepository(p.Store, p.Config.TopicPrefix)
	svc := app.New(repo)
	ports.NewHTTP(svc, p.Config.Region).Register(p.Engine, p.API)
	return p.AddConsumer(ports.NewConsumers(svc, p.Config.Region).Certificates(store.NewSequences(p.DB, "registry")))
}
