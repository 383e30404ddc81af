package local

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/werkregio/platform/services/devstack/internal/demo"
	"github.com/werkregio/platform/services/devstack/internal/oidcdev"
	"github.com/werkregio/platform/services/kit/auth"
)

// The portal's registration at the local identity provider (a local secret, not a secret).
const (
	portalClientID     = "portal"
	portalClientSecret = "local-portal-secret"
)

// startIdentityProvider serves the local OpenID Connect provider until ctx ends; the
// portal (on portalPort) is its client. It returns the issuer URL.
func startIdentityProvider(ctx context.Context, region string, port, portalPort int, keys *auth.DevIssuer) (string, error) {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("the local identity provider cannot listen on %s: %w", addr, err)
	}
	prov := &oidcdev.Provider{URL: "http://" + addr, Region: region, Users: demo.Users(region), Keys: keys, AccessTTL: 8 * time.Hour,
		Clients: []oidcdev.Client{{ID: portalClientID, Secret: portalClientSecret, RedirectPrefix: fmt.Sprintf("http://127.0.0.1:%d/", portalPort)}}}
	srv := &http.Server{Handler: prov.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	return prov.URL, nil
}
