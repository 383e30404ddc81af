// Package demo loads demo data into a running platform through its public APIs, so the
// demo exercises the same paths users do. Dates are relative to today.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
)

// Organisations of the demo region.
const (
	BuyerOrg     = "gemeente-groningen"
	ProviderKvK  = "12345678" // Bouwopleiding Noord
	Provider2KvK = "23456789" // TechniekCampus Groningen
	Provider3KvK = "34567890" // Duur Opleiden BV (rejected: price too high)
	// NewProviderKvK is a provider the demo data leaves unregistered (Zorgacademie Oost).
	NewProviderKvK = "89012345"
	// DebtorIBAN is the account the demo region pays from (a valid IBAN of no one's).
	DebtorIBAN = "NL91ABNA0417164300"
	// FinanceTeamEmail is the demo region's finance mailbox (payments' morning e-mail).
	FinanceTeamEmail = "financien@groningen.example.nl"
)

// TLAssessed are the requirements the buyer judges on transport & logistics.
var TLAssessed = []string{"Opleidingsplan sluit aan op de leerdoelen van het product", "Praktijkdeel bij een erkend leerbedrijf (SBB)"}

// Target is a running platform.
type Target struct {
	Region string
	URLs   map[string]string
	Tokens *auth.DevIssuer
	// Kafka is the broker partner systems publish to (the demo's UWV does).
	Kafka string
}

type client struct {
	base  string
	token string
}

func (c client) do(ctx context.Context, method, path string, body, out any) error {
	_, err := c.send(ctx, method, path, nil, body, out)
	return err
}

// update changes a resource on the version read from etagPath (If-Match), as every
// update must; when the resource changed in between (412: the offer follows procurement's
// events while the demo sets it up), it reads it again and repeats the change.
func (c client) update(ctx context.Context, method, path, etagPath string, body, out any) error {
	var err error
	for range 10 {
		var h http.Header
		if h, err = c.send(ctx, http.MethodGet, etagPath, nil, nil, nil); err != nil {
			return err
		}
		if _, err = c.send(ctx, method, path, http.Header{"If-Match": {h.Get("ETag")}}, body, out); !errors.Is(err, errStale) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

// errStale marks a 412: the resource changed since it was read.
var errStale = errors.New("changed since read")

func (c client) send(ctx context.Context, method, path string, header http.Header, body, out any) (http.Header, error) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusPreconditionFailed {
		return nil, fmt.Errorf("%s %s: %w: %s", method, path, errStale, raw)
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		return resp.Header, json.Unmarshal(raw, out)
	}
	return resp.Header, nil
}

func (t Target) as(role auth.Role, org string) (client, error) { return t.at("procurement", role, org) }

// at is a client of one service acting with one role for one organisation.
func (t Target) at(service string, role auth.Role, org string) (client, error) {
	return t.atAs(service, string(role)+"-demo@"+org, role, org)
}

// atAs is a client acting as a named user (a second finance officer, for four eyes).
func (t Target) atAs(service, subject string, role auth.Role, org string) (client, error) {
	tok, err := t.Tokens.Issue(auth.Principal{Subject: subject, Name: "Demo " + string(role), Region: t.Region, Org: org, Roles: []auth.Role{role}}, time.Hour)
	return client{base: t.URLs[service], token: tok}, err
}

type obj = map[string]any

// day is a Dutch calendar day, as the services date (Europe/Amsterdam).
func day(offset int) string {
	return time.Now().In(civil.Amsterdam).AddDate(0, 0, offset).Format(time.DateOnly)
}

// Load creates schemes, products with versioned terms, contracts, a rejection and tenders.
func Load(ctx context.Context, t Target) error {
	buyer, err := t.as(auth.RoleBuyer, BuyerOrg)
	if err != nil {
		return err
	}
	var bt struct{ ID string }
	if err := buyer.do(ctx, "POST", "/api/v1/schemes", obj{
		"reference": "OH-2026-BT", "title": "Open House Bouw & Techniek (1000-banenplan)", "sector": "bouw-en-techniek",
		"description": "Scholing naar duurzaam werk in bouw en techniek voor de versterkingsopgave.",
		"openFrom":    day(-400), "openUntil": day(365),
	}, &bt); err != nil {
		return err
	}
	var timmer, werkfit struct{ ID string }
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+bt.ID+"/products", obj{
		"name": "Timmerman basis", "terms": obj{
			"effectiveFrom": day(-400), "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{"VCA"},
			"tranches": []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}},
		},
	}, &timmer); err != nil {
		return err
	}
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+bt.ID+"/products", obj{
		"name": "Werkfit maken", "description": "Soft skills: omgang met collega's en regels op de werkvloer.", "terms": obj{
			"effectiveFrom": day(-400), "maxPriceCents": 60000, "minAttendanceHours": 80, "requiredCertificates": []string{},
			"tranches": []obj{{"milestone": "started", "percent": 50}, {"milestone": "completed", "percent": 50}},
		},
	}, &werkfit); err != nil {
		return err
	}
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+bt.ID+"/publish", nil, nil); err != nil {
		return err
	}
	// Bouw & Techniek moved from 40/30/30 to 40/40/20 for enrolments starting next month.
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+bt.ID+"/products/"+timmer.ID+"/terms", obj{
		"effectiveFrom": day(30), "maxPriceCents": 100000, "minAttendanceHours": 256, "requiredCertificates": []string{"VCA"},
		"tranches": []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 40}, {"milestone": "sustainably_placed", "percent": 20}},
	}, nil); err != nil {
		return err
	}

	var tl struct{ ID string }
	if err := buyer.do(ctx, "POST", "/api/v1/schemes", obj{
		"reference": "OH-2026-TL", "title": "Open House Transport & Logistiek", "sector": "transport-en-logistiek",
		"openFrom": day(-10), "openUntil": day(300), "assessedRequirements": TLAssessed,
	}, &tl); err != nil {
		return err
	}
	var heftruck struct{ ID string }
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+tl.ID+"/products", obj{
		"name": "Heftruckchauffeur", "terms": obj{
			"maxPriceCents": 150000, "minAttendanceHours": 120, "requiredCertificates": []string{"VCA", "NEN 4000"},
			"tranches": []obj{{"milestone": "started", "percent": 40}, {"milestone": "completed", "percent": 30}, {"milestone": "sustainably_placed", "percent": 30}},
		},
	}, &heftruck); err != nil {
		return err
	}
	if err := buyer.do(ctx, "POST", "/api/v1/schemes/"+tl.ID+"/publish", nil, nil); err != nil {
		return err
	}

	vca := []obj{{"name": "VCA", "validUntil": day(400)}}
	for _, p := range []struct {
		kvk, name string
		price     int
	}{{ProviderKvK, "Bouwopleiding Noord", 95000}, {Provider2KvK, "TechniekCampus Groningen", 100000}, {Provider3KvK, "Duur Opleiden BV", 125000}} {
		prov, err := t.as(auth.RoleProvider, p.kvk)
		if err != nil {
			return err
		}
		products := []obj{{"productId": timmer.ID, "priceCents": p.price, "plannedAttendanceHours": 280}}
		if p.kvk == ProviderKvK {
			products = append(products, obj{"productId": werkfit.ID, "priceCents": 55000, "plannedAttendanceHours": 96})
		}
		if err := prov.do(ctx, "POST", "/api/v1/schemes/"+bt.ID+"/applications", obj{
			"providerName": p.name, "acceptsConditions": true, "products": products, "certificates": vca,
		}, nil); err != nil {
			return err
		}
	}

	// TechniekCampus meets every rule the platform checks on transport & logistics: its
	// application waits for the buyer's judgement of the two requirements the scheme names
	prov2, err := t.as(auth.RoleProvider, Provider2KvK)
	if err != nil {
		return err
	}
	if err := prov2.do(ctx, "POST", "/api/v1/schemes/"+tl.ID+"/applications", obj{
		"providerName": "TechniekCampus Groningen", "acceptsConditions": true, "products": []obj{{"productId": heftruck.ID, "priceCents": 140000, "plannedAttendanceHours": 130}},
		"certificates": []obj{{"name": "VCA", "validUntil": day(400)}, {"name": "NEN 4000", "validUntil": day(400)}},
		"statements": []string{"Elke cursist volgt het opleidingsplan Heftruckchauffeur (module 1-4) met toetsing per module.",
			"Het praktijkdeel is bij Distributiecentrum Eemshaven, erkend leerbedrijf SBB sinds 2019."},
	}, nil); err != nil {
		return err
	}

	tenders := []obj{
		{"title": "Versterking woningen Loppersum, fase 3", "sector": "bouw", "expectedPublication": day(21), "estimatedValueCents": 1250000000, "sroiBasisPoints": 500},
		{"title": "Onderhoud openbare verlichting 2027-2030", "sector": "techniek", "expectedPublication": day(45), "estimatedValueCents": 380000000, "sroiBasisPoints": 500},
		{"title": "Leerlingenvervoer regio Groningen", "sector": "transport-en-logistiek", "expectedPublication": day(75), "estimatedValueCents": 90000000, "sroiBasisPoints": 300},
		{"title": "Nieuwbouw brede school Appingedam", "sector": "bouw", "expectedPublication": day(-5), "estimatedValueCents": 640000000, "sroiBasisPoints": 500},
	}
	var last struct{ ID string }
	for _, td := range tenders {
		if err := buyer.do(ctx, "POST", "/api/v1/tenders", td, &last); err != nil {
			return err
		}
	}
	if err := buyer.do(ctx, "POST", "/api/v1/tenders/"+last.ID+"/award", obj{
		"contractorKvk": "45678901", "contractorName": "Bouwbedrijf Eemsdelta BV", "contractValueExclVatCents": 612500000,
		"sroiBasisPoints": 500, "publicationDate": day(-5), "awardedOn": day(0),
	}, nil); err != nil {
		return err
	}
	if err := openBudgets(ctx, t, bt.ID, werkfit.ID); err != nil {
		return err
	}
	if err := loadTrajectories(ctx, t, timmer.ID, werkfit.ID); err != nil {
		return err
	}
	if err := payTrajectories(ctx, t); err != nil {
		return err
	}
	return loadSroi(ctx, t)
}
