package local

import (
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/contracts/eventkeys"
	"github.com/werkregio/platform/services/devstack/internal/demo"
)

// service is one platform service run locally.
type service struct {
	Name string
	Pkg  string
	Port int
	// Env is what this service needs beyond the shared settings.
	Env func(s secrets) []string
}

// secrets the local platform generates once and keeps in its data directory.
type secrets struct {
	BSNEncryptionKey, BSNLookupKey string
	// PersonPseudonymKey is the platform's key of person pseudonyms (every region the same).
	PersonPseudonymKey string
	// PortalSessionKey seals the portal's session cookies.
	PortalSessionKey string
	// EventSigningKeys are each service's private JWK it signs its events with.
	EventSigningKeys map[string]string
	// SMTPAddr is the local SMTP sink (mailpit), set when it runs.
	SMTPAddr string `json:"-"`
	// PortalURL is where the local portal answers; the e-mails link to it.
	PortalURL string `json:"-"`
}

// mailEnv is the SMTP sink and the portal's address for a service that sends e-mail.
func (s secrets) mailEnv(portalVar string) []string {
	if s.SMTPAddr == "" {
		return nil
	}
	return []string{"SMTP_ADDR=" + s.SMTPAddr, portalVar + "=" + s.PortalURL}
}

// extraEnv is what a service needs beyond the shared settings, by name.
var extraEnv = map[string]func(s secrets) []string{
	catalog.Participants: func(s secrets) []string {
		return append([]string{"BSN_ENCRYPTION_KEY=" + s.BSNEncryptionKey, "BSN_LOOKUP_KEY=" + s.BSNLookupKey, "PERSON_PSEUDONYM_KEY=" + s.PersonPseudonymKey,
			"SMTP_FROM=rmt@werkregio.local"}, s.mailEnv("PORTAL_URL")...)
	},
	catalog.Sroi: func(s secrets) []string {
		env := []string{"PERSON_PSEUDONYM_KEY=" + s.PersonPseudonymKey, "SMTP_FROM=sroi@werkregio.local", "SROI_PROGRESS_CHECK_INTERVAL=1m"}
		return append(env, s.mailEnv("SROI_PORTAL_URL")...)
	},
	// providers tell each provider of its payments and expiring certificates
	catalog.Providers: func(s secrets) []string {
		return append([]string{"SMTP_FROM=opleiders@werkregio.local"}, s.mailEnv("PORTAL_URL")...)
	},
	// the demo region pays from a test account (a valid IBAN of no one's); above EUR 300 two
	// finance officers approve (four eyes), so the demo shows both
	// and tell the region's finance team what waits each morning
	catalog.Payments: func(s secrets) []string {
		return append([]string{"PAYMENTS_FOUR_EYES_CENTS=30000", "PAYMENTS_DEBTOR_NAME=Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN=" + demo.DebtorIBAN, "PAYMENTS_DEBTOR_BIC=ABNANL2A",
			"PAYMENTS_DEBTOR_STREET=Kreupelstraat", "PAYMENTS_DEBTOR_BUILDING_NUMBER=1", "PAYMENTS_DEBTOR_POST_CODE=9712 HW", "PAYMENTS_DEBTOR_TOWN=Groningen",
			"SMTP_FROM=betalingen@werkregio.local", "PAYMENTS_FINANCE_EMAIL=" + demo.FinanceTeamEmail}, s.mailEnv("PORTAL_URL")...)
	},
}

// services are the catalog's services that exist so far, each on the base port plus its
// offset.
func services(basePort int) []service {
	var list []service
	for _, s := range catalog.Services {
		if !s.Built {
			continue
		}
		list = append(list, service{Name: s.Name, Pkg: "github.com/werkregio/platform/services/" + s.Name + "/cmd/" + s.Name,
			Port: basePort + s.PortOffset, Env: extraEnv[s.Name]})
	}
	return list
}

// eventKeyEnv is a service's signing key and the public keys of every service of the
// local region (they read each other's topics).
func (s secrets) eventKeyEnv(service string) []string {
	var public []eventkeys.JWK
	for _, svc := range catalog.Services {
		if k, err := eventkeys.PublicOf([]byte(s.EventSigningKeys[svc.Name])); err == nil {
			public = append(public, k)
		}
	}
	return []string{"EVENT_SIGNING_KEY=" + s.EventSigningKeys[service], "EVENT_KEYS=" + string(eventkeys.Set(public...))}
}
