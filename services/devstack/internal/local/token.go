package local

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
)

// Local token settings, shared by the services' configuration and the token command.
const (
	issuer   = "werkregio-local"
	audience = "werkregio"
)

// Token prints a dev token signed with the local key.
func Token(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	dataDir := fs.String("data-dir", ".werkregio", "data directory of the local platform")
	role := fs.String("role", "buyer", "role(s), comma separated: buyer, provider, contractor, coordinator, workcoach, finance, admin")
	region := fs.String("region", "groningen", "region code")
	org := fs.String("org", "", "organisation: a buyer's id, or the KvK number of a provider or contractor")
	subject := fs.String("subject", "", "user id (default: <role>@<region>)")
	ttl := fs.Duration("ttl", auth.DefaultMaxLifetime, "validity (at most "+auth.DefaultMaxLifetime.String()+", what the services accept)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ttl <= 0 || *ttl > auth.DefaultMaxLifetime {
		return fmt.Errorf("-ttl must be from 1s to %s", auth.DefaultMaxLifetime)
	}
	dir, err := absDataDir(*dataDir)
	if err != nil {
		return err
	}
	iss, err := auth.LoadOrCreateDevIssuer(filepath.Join(dir, "auth"), issuer, audience)
	if err != nil {
		return err
	}
	p := auth.Principal{Region: *region, Org: *org, Subject: *subject}
	for _, r := range strings.Split(*role, ",") {
		p.Roles = append(p.Roles, auth.Role(strings.TrimSpace(r)))
	}
	if p.Subject == "" {
		p.Subject = *role + "@" + *region
	}
	tok, err := iss.Issue(p, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

func absDataDir(d string) (string, error) {
	if filepath.IsAbs(d) {
		return d, nil
	}
	root, err := workspaceRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, d), nil
}
