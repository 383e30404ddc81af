package domain

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// Provider is a training provider (opleider / aanbieder) in the region's registry.
type Provider struct {
	optimistic.StoreVersion // the version: its ETag
	KvK                     string
	Name                    string
	Region                  string
	Regions                 []string
	Contact                 Contact
	Certificates            []Certificate
	// AnnouncedValid is the set of valid certificate types last announced to other services;
	// a difference with today's set is news (an expiry or a renewal).
	AnnouncedValid []string
	// BankAccount is where payments pays the provider (confirmed by finance).
	BankAccount  *BankAccount
	RegisteredAt time.Time
	UpdatedAt    time.Time
}

// Contact is who the region calls about the provider.
type Contact struct {
	Name  string
	Email string
	Phone string
}

// Certificate is a quality mark or safety certificate (e.g. VCA, NRTO, Cedeo) the provider holds.
type Certificate struct {
	ID        string
	Type      string // canonical: civil.CertificateType
	Number    string
	IssuedOn  civil.Date
	ExpiresOn civil.Date
	// Pending: recorded by the provider, not yet verified by a buyer or coordinator against
	// the certificate itself; it does not count for contracts until then.
	Pending  bool
	Verified *Verification
}

// Verification says who checked a certificate, and when.
type Verification struct {
	By commit.Actor
	At time.Time
}

// ValidOn: a verified certificate is valid from its issue date through its expiry date.
func (c Certificate) ValidOn(day civil.Date) bool {
	return !c.Pending && !day.Before(c.IssuedOn) && !day.After(c.ExpiresOn)
}

// ProviderInput registers or edits a provider.
type ProviderInput struct {
	KvK     string
	Name    string
	Regions []string
	Contact Contact
}

// CertificateInput records a certificate or its renewal.
type CertificateInput struct {
	Type      string
	Number    string
	IssuedOn  civil.Date
	ExpiresOn civil.Date
}

var (
	regionCode = regexp.MustCompile(`^[a-z][a-z0-9-]{1,40}$`)
	phone      = regexp.MustCompile(`^\+?[0-9 ()-]{6,20}$`)
)

func (in ProviderInput) validate(region string) error {
	var v rules.Checker
	v.Check(civil.ValidKvK(in.KvK), "kvk", "must be 8 digits (KvK number)")
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required, at most 200 characters")
	v.Check(len(in.Regions) > 0, "regions", "list at least one region")
	for i, r := range in.Regions {
		v.Check(regionCode.MatchString(r), fmt.Sprintf("regions[%d]", i), "must be a region code such as groningen")
	}
	v.Check(slices.Contains(in.Regions, region), "regions", "must include this instance's region %s", region)
	v.Check(strings.TrimSpace(in.Contact.Name) != "", "contact.name", "is required")
	_, err := mail.ParseAddress(in.Contact.Email)
	v.Check(err == nil && !strings.Contains(in.Contact.Email, "<"), "contact.email", "must be an e-mail address")
	v.Check(in.Contact.Phone == "" || phone.MatchString(in.Contact.Phone), "contact.phone", "must be a phone number")
	return v.Err()
}

func (in CertificateInput) validate() error {
	var v rules.Checker
	v.Check(strings.TrimSpace(in.Type) != "" && len(in.Type) <= 50, "type", "is required (e.g. VCA)")
	v.Check(!in.IssuedOn.IsZero(), "issuedOn", "is required")
	v.Check(!in.ExpiresOn.IsZero(), "expiresOn", "is required")
	v.Check(in.IssuedOn.IsZero() || in.ExpiresOn.IsZero() || in.ExpiresOn.After(in.IssuedOn), "expiresOn", "must be after issuedOn")
	return v.Err()
}

// RegisterProvider adds a provider to the registry of this region.
func RegisterProvider(in ProviderInput, region string, now time.Time) (*Provider, error) {
	if err := in.validate(region); err != nil {
		return nil, err
	}
	p := &Provider{KvK: in.KvK, Region: region, Certificates: []Certificate{}, AnnouncedValid: []string{}, RegisteredAt: now.UTC()}
	p.apply(in, now)
	return p, nil
}

// Update edits the registry entry; the KvK number is the identity and cannot change.
func (p *Provider) Update(in ProviderInput, now time.Time) error {
	if in.KvK != p.KvK {
		return rules.Invalid("kvk", "is the provider's identity and cannot change")
	}
	if err := in.validate(p.Region); err != nil {
		return err
	}
	p.apply(in, now)
	return nil
}

func (p *Provider) apply(in ProviderInput, now time.Time) {
	p.Name = strings.TrimSpace(in.Name)
	p.Regions = slices.Clone(in.Regions)
	slices.Sort(p.Regions)
	p.Regions = slices.Compact(p.Regions)
	p.Contact = in.Contact
	p.UpdatedAt = now.UTC()
}

// AddCertificate records a certificate; a renewal is a new certificate of the same type.
func (p *Provider) AddCertificate(in CertificateInput, now time.Time) (*Certificate, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	c := Certificate{ID: fmt.Sprintf("cert-%d", len(p.Certificates)+1), Type: civil.CertificateType(in.Type), Number: strings.TrimSpace(in.Number),
		IssuedOn: in.IssuedOn, ExpiresOn: in.ExpiresOn, Pending: true}
	for _, have := range p.Certificates {
		same := have.Type == c.Type && have.IssuedOn == c.IssuedOn && have.ExpiresOn == c.ExpiresOn
		if c.Number != "" && have.Number != "" {
			same = have.Type == c.Type && strings.EqualFold(have.Number, c.Number)
		}
		if same {
			return nil, rules.State("this certificate is recorded already (%s, %s)", have.ID, have.Type)
		}
	}
	for _, have := range p.Certificates {
		if have.ID == c.ID {
			c.ID = fmt.Sprintf("cert-%d", len(p.Certificates)+100)
		}
	}
	p.Certificates = append(p.Certificates, c)
	p.UpdatedAt = now.UTC()
	return &p.Certificates[len(p.Certificates)-1], nil
}

// VerifyCertificate records that a buyer or coordinator checked the certificate itself; from
// then on it counts for contracts.
func (p *Provider) VerifyCertificate(id string, by commit.Actor, now time.Time) error {
	i := slices.IndexFunc(p.Certificates, func(c Certificate) bool { return c.ID == id })
	if i < 0 {
		return rules.ErrNotFound
	}
	c := &p.Certificates[i]
	if !c.Pending {
		return rules.State("certificate %s is verified already", id)
	}
	c.Pending, c.Verified = false, &Verification{By: by, At: now.UTC()}
	p.UpdatedAt = now.UTC()
	return nil
}

// AwaitsVerification reports whether a certificate the provider recorded waits for a buyer
// or coordinator to check it.
func (p *Provider) AwaitsVerification() bool {
	for _, c := range p.Certificates {
		if c.Pending {
			return true
		}
	}
	return false
}

// RemoveCertificate deletes a certificate recorded in error.
func (p *Provider) RemoveCertificate(id string, now time.Time) error {
	i := slices.IndexFunc(p.Certificates, func(c Certificate) bool { return c.ID == id })
	if i < 0 {
		return rules.ErrNotFound
	}
	p.Certificates = slices.Delete(p.Certificates, i, i+1)
	p.UpdatedAt = now.UTC()
	return nil
}

// ValidCertificates lists the certificate types with at least one certificate valid on day.
func (p *Provider) ValidCertificates(day civil.Date) []string {
	out := []string{}
	for _, c := range p.Certificates {
		if c.ValidOn(day) && !slices.Contains(out, c.Type) {
			out = append(out, c.Type)
		}
	}
	slices.Sort(out)
	return out
}

// CertificateChange is news about a provider's valid certificates.
type CertificateChange struct {
	Valid   []string
	Expired []string // valid at the last announcement, not any more
	Renewed []string // valid now, not at the last announcement
}

// NoteCertificates compares today's valid certificates with the last announcement and
// records the new set. It reports false when nothing changed, so a scheduled check that runs
// every hour announces an expiry once. always announces even an unchanged set: a
// registration or an edit of the certificates tells the other services the registry's
// current truth (they apply it idempotently).
func (p *Provider) NoteCertificates(today civil.Date, always bool) (CertificateChange, bool) {
	valid := p.ValidCertificates(today)
	if slices.Equal(valid, p.AnnouncedValid) && !always {
		return CertificateChange{}, false
	}
	ch := CertificateChange{Valid: valid, Expired: []string{}, Renewed: []string{}}
	for _, t := range p.AnnouncedValid {
		if !slices.Contains(valid, t) {
			ch.Expired = append(ch.Expired, t)
		}
	}
	for _, t := range valid {
		if !slices.Contains(p.AnnouncedValid, t) {
			ch.Renewed = append(ch.Renewed, t)
		}
	}
	p.AnnouncedValid = valid
	return ch, true
}
