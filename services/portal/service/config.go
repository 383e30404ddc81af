// Package service wires the portal: configuration, logging, telemetry, sign-in, sessions,
// the services' clients and the screens.
package service

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/config"
	"github.com/werkregio/platform/services/kit/tlsfiles"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/session"
	"github.com/werkregio/platform/services/portal/internal/signin"
)

// Name of the service in logs and traces.
const Name = "portal"

// Config is what the portal reads from its environment.
type Config struct {
	Version, Region, HTTPAddr string
	// OpsAddr is the internal listener: /healthz, /readyz and /metrics for the kubelet and
	// the metrics scraper, never routed from outside.
	OpsAddr string
	// PublicURL is the portal's own address as browsers reach it (its sign-in callback
	// and the origin its forms must come from).
	PublicURL string

	OIDC signin.Config

	// MongoURI, MongoDatabase and MongoTLS: where the sessions are kept.
	MongoURI      string
	MongoDatabase string
	MongoTLS      tlsfiles.Files

	SessionKey []byte
	// TrustedProxies are the addresses (CIDRs) of the ingress whose X-Forwarded-For names
	// the client; none: the connection's address is the client's.
	TrustedProxies []string
	SessionSecure  bool
	SessionIdle    time.Duration
	SessionMaxAge  time.Duration

	// ServiceURLs are the five services' base URLs (inside the cluster).
	ServiceURLs map[string]string
	// ProcurementPublicURL is where a browser or calendar app reaches the public tender feed.
	ProcurementPublicURL string

	OTLPEndpoint    string
	SampleRatio     float64
	LogLevel        string
	ShutdownTimeout time.Duration
}

// LoadConfig reads the environment; the error lists every problem.
func LoadConfig(env *config.Env) (Config, error) {
	c := Config{Version: env.String("SERVICE_VERSION", "dev"), Region: env.Required("REGION"), HTTPAddr: env.String("HTTP_ADDR", ":8080"),
		OpsAddr: env.String("OPS_ADDR", ":9090")}
	env.Check(c.OpsAddr != c.HTTPAddr, "OPS_ADDR", "must differ from HTTP_ADDR: readiness and metrics are not served where people are")
	c.PublicURL = strings.TrimSuffix(env.URL("PORTAL_PUBLIC_URL", ""), "/")
	env.Check(c.PublicURL != "", "PORTAL_PUBLIC_URL", "is required (the portal's address as browsers reach it, e.g. https://portal.groningen.example.nl)")

	claims := signin.Claims{Roles: env.String("OIDC_CLAIM_ROLES", "roles"), Region: env.String("OIDC_CLAIM_REGION", "region"),
		Org: env.String("OIDC_CLAIM_ORG", "org"), Name: env.String("OIDC_CLAIM_NAME", "name")}
	if claims.Region == "-" { // an identity provider of this region only: every user is of it
		claims.Region, claims.FixedRegion = "", c.Region
	}
	roles, err := signin.ParseRoleValues(env.List("OIDC_ROLE_MAP", nil))
	env.Check(err == nil, "OIDC_ROLE_MAP", "%v", err)
	claims.RoleValues = roles
	c.OIDC = signin.Config{Issuer: env.URL("OIDC_ISSUER", ""), ClientID: env.Required("OIDC_CLIENT_ID"), ClientSecret: env.Required("OIDC_CLIENT_SECRET"),
		RedirectURL: c.PublicURL + "/auth/callback", Scopes: env.List("OIDC_SCOPES", []string{"openid", "profile"}), Claims: claims}
	env.Check(c.OIDC.Issuer != "", "OIDC_ISSUER", "is required (the region's OpenID Connect provider)")

	key, err := base64.StdEncoding.DecodeString(env.Required("SESSION_KEY"))
	env.Check(err == nil && len(key) == session.KeySize, "SESSION_KEY", "must be %d random bytes, base64 encoded (openssl rand -base64 32)", session.KeySize)
	c.SessionKey = key
	c.SessionSecure = env.Bool("SESSION_COOKIE_SECURE", true)
	c.TrustedProxies = env.List("TRUSTED_PROXIES", nil)
	env.Check(c.SessionSecure || strings.HasPrefix(c.PublicURL, "http://127.0.0.1") || strings.HasPrefix(c.PublicURL, "http://localhost"),
		"SESSION_COOKIE_SECURE", "may be false only for a portal on this machine (http://127.0.0.1 or http://localhost)")
	c.SessionIdle = env.Duration("SESSION_IDLE_TIMEOUT", 15*time.Minute)
	c.SessionMaxAge = env.Duration("SESSION_MAX_AGE", 10*time.Hour)
	env.Check(c.SessionIdle > 0 && c.SessionIdle <= c.SessionMaxAge, "SESSION_IDLE_TIMEOUT", "must be positive and at most SESSION_MAX_AGE")

	c.ServiceURLs = map[string]string{}
	for _, s := range app.ServiceNames {
		name := strings.ToUpper(s) + "_URL"
		c.ServiceURLs[s] = strings.TrimSuffix(env.URL(name, ""), "/")
		env.Check(c.ServiceURLs[s] != "", name, "is required (the %s service's base URL)", s)
	}
	c.ProcurementPublicURL = strings.TrimSuffix(env.URL("PROCUREMENT_PUBLIC_URL", c.ServiceURLs[app.Procurement]), "/")

	c.MongoURI = env.Required("MONGO_URI")
	c.MongoDatabase = env.String("MONGO_DATABASE", "werkregio-"+c.Region+"-portal")
	c.MongoTLS = tlsfiles.Files{CA: env.String("MONGO_TLS_CA_FILE", ""), Cert: env.String("MONGO_TLS_CERT_FILE", ""), Key: env.String("MONGO_TLS_KEY_FILE", "")}
	env.Check((c.MongoTLS.Cert == "") == (c.MongoTLS.Key == ""), "MONGO_TLS_KEY_FILE", "set both MONGO_TLS_CERT_FILE and MONGO_TLS_KEY_FILE, or neither")

	c.OTLPEndpoint = env.URL("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	c.SampleRatio = env.Float("OTEL_TRACES_SAMPLER_RATIO", 1, 0, 1)
	c.LogLevel = env.OneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")
	c.ShutdownTimeout = env.Duration("SHUTDOWN_TIMEOUT", 20*time.Second)
	return c, env.Err()
}
