package domain

import (
	"errors"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/kit/trajectory"
)

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func input() ProviderInput {
	return ProviderInput{KvK: "12345678", Name: "Bouwschool Noord", Regions: []string{"groningen"}, Contact: Contact{Name: "A", Email: "a@b.nl"}}
}

func TestRegistrationRules(t *testing.T) {
	if _, err := RegisterProvider(input(), "groningen", now); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*ProviderInput){
		"kvk of 7 digits":      func(in *ProviderInput) { in.KvK = "1234567" },
		"kvk with a letter":    func(in *ProviderInput) { in.KvK = "1234567a" },
		"no name":              func(in *ProviderInput) { in.Name = " " },
		"region not served":    func(in *ProviderInput) { in.Regions = []string{"drenthe"} },
		"bad e-mail":           func(in *ProviderInput) { in.Contact.Email = "nope" },
		"bad phone":            func(in *ProviderInput) { in.Contact.Phone = "call me" },
		"bad region code":      func(in *ProviderInput) { in.Regions = []string{"groningen", "Noord Holland"} },
		"contact without name": func(in *ProviderInput) { in.Contact.Name = "" },
	} {
		in := input()
		mutate(&in)
		var ve *rules.ValidationError
		if _, err := RegisterProvider(in, "groningen", now); !errors.As(err, &ve) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}

func TestCertificatesAreValidThroughTheirExpiryDayAndAnnouncedOnce(t *testing.T) {
	p, _ := RegisterProvider(input(), "groningen", now)
	if _, err := p.AddCertificate(CertificateInput{Type: "VCA", IssuedOn: civil.NewDate(2025, 3, 1), ExpiresOn: civil.NewDate(2026, 3, 3)}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddCertificate(CertificateInput{Type: "NRTO", IssuedOn: civil.NewDate(2026, 3, 5), ExpiresOn: civil.NewDate(2026, 3, 1)}, now); err == nil {
		t.Fatal("accepted a certificate that expires before it is issued")
	}
	if _, ok := p.NoteCertificates(civil.NewDate(2026, 3, 2), false); ok {
		t.Fatal("a certificate pending verification was announced")
	}
	if _, err := p.AddCertificate(CertificateInput{Type: "vca", IssuedOn: civil.NewDate(2025, 3, 1), ExpiresOn: civil.NewDate(2026, 3, 3)}, now); err == nil {
		t.Fatal("the same certificate (another case) was recorded twice")
	}
	if err := p.VerifyCertificate("cert-1", commit.Actor{Subject: "inkoper"}, now); err != nil {
		t.Fatal(err)
	}
	ch, ok := p.NoteCertificates(civil.NewDate(2026, 3, 2), false)
	if !ok || len(ch.Renewed) != 1 || ch.Valid[0] != "VCA" {
		t.Fatalf("first note after verification: %+v %v", ch, ok)
	}
	if _, ok := p.NoteCertificates(civil.NewDate(2026, 3, 3), false); ok {
		t.Fatal("the expiry day itself is still valid: nothing to announce")
	}
	ch, ok = p.NoteCertificates(civil.NewDate(2026, 3, 4), false)
	if !ok || len(ch.Expired) != 1 || ch.Expired[0] != "VCA" || len(ch.Valid) != 0 {
		t.Fatalf("expiry: %+v %v", ch, ok)
	}
	if _, ok := p.NoteCertificates(civil.NewDate(2026, 3, 5), false); ok {
		t.Fatal("an expiry is announced once")
	}
	if _, ok := p.NoteCertificates(civil.NewDate(2026, 3, 5), true); !ok {
		t.Fatal("an explicit edit announces the current set")
	}
	if err := p.RemoveCertificate("cert-9", now); !errors.Is(err, rules.ErrNotFound) {
		t.Fatalf("remove unknown: %v", err)
	}
}

func offer() *Offer {
	return NewOffer(Offer{ContractID: "c", ContractNumber: "OH/1/1", Region: "groningen", ProviderKvK: "12345678",
		Products: []OfferProduct{{ProductID: "p", Name: "Timmerman", PriceCents: 95000, Terms: []trajectory.Terms{{Version: 2}, {Version: 1}}}}}, now)
}

func TestOfferStartsAndTerms(t *testing.T) {
	o := offer()
	if o.Products[0].Terms[0].Version != 1 || o.Revision != 1 {
		t.Fatalf("new offer %+v", o)
	}
	if o.AddTerms("p", trajectory.Terms{Version: 2}, now) {
		t.Error("a known terms version changed the offer")
	}
	if !o.AddTerms("p", trajectory.Terms{Version: 3}, now) || o.Revision != 2 {
		t.Error("a new terms version was not added")
	}
	err := o.SetProductOffer("p", ProductOfferInput{Locations: []string{"Groningen", "Groningen"}, Starts: []trajectory.Start{
		{Date: civil.NewDate(2026, 4, 1), Location: "Assen", Capacity: 0},
		{Date: civil.NewDate(2026, 4, 1), Location: "Groningen", Capacity: 501},
		{Date: civil.NewDate(2026, 4, 1), Location: "Groningen", Capacity: 5},
	}}, now)
	var ve *rules.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 5 {
		t.Fatalf("want 5 problems (duplicate location, unknown location, capacity 0, capacity 501, duplicate start), got %v", err)
	}
	if err := o.SetProductOffer("p", ProductOfferInput{Locations: []string{"Groningen"}, Starts: []trajectory.Start{{Date: civil.NewDate(2026, 4, 1), Location: "Groningen", Capacity: 12}}}, now); err != nil {
		t.Fatal(err)
	}
	if !o.SetContractStatus(ContractEnded, now) || o.SetContractStatus(ContractActive, now) || o.ContractStatus != ContractEnded {
		t.Error("an ended contract must stay ended whatever arrives late")
	}
	if err := o.SetProductOffer("p", ProductOfferInput{}, now); err == nil {
		t.Error("an ended contract's offer changed")
	}
}
