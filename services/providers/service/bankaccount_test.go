package service_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
)

// A provider registers its bank account; it is pending until finance confirms it, and the
// one who confirms is never the one who registered (a changed IBAN is a common fraud path).
// Each step is announced for payments under a key of its own; only the provider itself,
// finance and administrators see the account.
func TestABankAccountIsPaidToOnlyOnceFinanceConfirmedIt(t *testing.T) {
	pf, r := start(t, &kittest.Clock{})
	prov := pf.Token(t, "12345678", auth.RoleProvider)
	finance := pf.Token(t, "gemeente-groningen", auth.RoleFinance)
	buyer := pf.Token(t, "gemeente-groningen", auth.RoleBuyer)
	both, err := pf.Issuer.Issue(auth.Principal{Subject: "beheer@regio", Name: "Beheer", Region: kittest.Region, Org: "regio",
		Roles: []auth.Role{auth.RoleAdmin, auth.RoleFinance}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "register", r.Call(t, prov, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	account := obj{"accountHolder": "Bouwschool Noord B.V.", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A",
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12a", "postCode": "9711 AB", "town": "Groningen", "country": "NL"}}
	bad := obj{"accountHolder": "Bouwschool Noord B.V.", "iban": "NL91ABNA0417164301",
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12a", "postCode": "9711 AB", "town": "Groningen", "country": "NL"}}
	expect(t, "a mistyped IBAN", r.Update(t, prov, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678", bad, nil), 422)
	expect(t, "another provider's account", r.Update(t, pf.Token(t, "23456789", auth.RoleProvider), "PUT", "/api/v1/providers/12345678/bank-account",
		"/api/v1/providers/12345678", account, nil), 404)
	var p struct {
		BankAccount *struct {
			Status   string `json:"status"`
			Revision int    `json:"revision"`
		} `json:"bankAccount"`
	}
	expect(t, "account", r.Update(t, prov, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678", account, &p), 200)
	if p.BankAccount == nil || p.BankAccount.Status != "pending" || p.BankAccount.Revision != 1 {
		t.Fatalf("registered account %+v", p.BankAccount)
	}
	// finance finds the accounts waiting for it; the list is finance's
	expect(t, "a provider without an account", r.Call(t, pf.Token(t, "23456789", auth.RoleProvider), "POST", "/api/v1/providers", providerInput("23456789", "Zorgacademie Oost"), nil), 201)
	var waiting struct {
		Items []struct {
			KvK string `json:"kvk"`
		} `json:"items"`
	}
	expect(t, "accounts to confirm", r.Call(t, finance, "GET", "/api/v1/providers?bankAccount=pending", nil, &waiting), 200)
	if len(waiting.Items) != 1 || waiting.Items[0].KvK != "12345678" {
		t.Errorf("accounts to confirm: %+v", waiting.Items)
	}
	expect(t, "certificates to verify", r.Call(t, buyer, "GET", "/api/v1/providers?certificates=pending", nil, &waiting), 200)
	if len(waiting.Items) != 0 {
		t.Errorf("certificates to verify where none were recorded: %+v", waiting.Items)
	}
	expect(t, "a buyer lists by account", r.Call(t, buyer, "GET", "/api/v1/providers?bankAccount=pending", nil, nil), 403)
	expect(t, "the provider cannot confirm", r.Call(t, prov, "POST", "/api/v1/providers/12345678/bank-account/confirmation", obj{"revision": 1}, nil), 403)
	expect(t, "a stale revision", r.Call(t, finance, "POST", "/api/v1/providers/12345678/bank-account/confirmation", obj{"revision": 2}, nil), 409)
	expect(t, "confirm", r.Call(t, finance, "POST", "/api/v1/providers/12345678/bank-account/confirmation", obj{"revision": 1}, &p), 200)
	if p.BankAccount.Status != "confirmed" {
		t.Fatalf("confirmed account %+v", p.BankAccount)
	}
	// an administrator who also works in finance changes the account: someone else confirms
	expect(t, "change", r.Update(t, both, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678", account, nil), 200)
	expect(t, "confirm one's own change", r.Call(t, both, "POST", "/api/v1/providers/12345678/bank-account/confirmation", obj{"revision": 2}, nil), 403)
	var seen map[string]any
	expect(t, "a buyer's view", r.Call(t, buyer, "GET", "/api/v1/providers/12345678", nil, &seen), 200)
	if _, ok := seen["bankAccount"]; ok {
		t.Fatal("a buyer sees the provider's bank account")
	}

	msgs := kittest.ReadUntil(t, pf.Infra.Kafka, pf.Topic(catalog.TopicProvidersRegistry), 10*time.Second, func(ms []kafka.Message) bool {
		n := 0
		for _, m := range ms {
			if kittest.Header(m, "ce_type") == catalog.TypeBankAccountChanged {
				n++
			}
		}
		return n >= 3
	})
	var statuses []string
	for _, m := range msgs {
		if kittest.Header(m, "ce_type") != catalog.TypeBankAccountChanged {
			continue
		}
		if string(m.Key) != "12345678/bank-account" {
			t.Errorf("key %s: compaction would drop the provider's certificates", m.Key)
		}
		var d struct{ Status string }
		_ = json.Unmarshal(m.Value, &d)
		statuses = append(statuses, d.Status)
	}
	if len(statuses) != 3 || statuses[0] != "pending" || statuses[1] != "confirmed" || statuses[2] != "pending" {
		t.Fatalf("announced %v", statuses)
	}
}

// An account holder's name a bank can take, and a country code as SEPA files write it: a
// name only in another script would be written empty in the payment file (banks refuse
// it), so it is refused where it is entered, as is a country that is not two capitals.
func TestABankAccountHolderAndCountryBanksTake(t *testing.T) {
	pf, r := start(t, &kittest.Clock{})
	prov := pf.Token(t, "12345678", auth.RoleProvider)
	expect(t, "register", r.Call(t, prov, "POST", "/api/v1/providers", providerInput("12345678", "Bouwschool Noord"), nil), 201)
	with := func(holder, country string) obj {
		return obj{"accountHolder": holder, "iban": "NL91ABNA0417164300",
			"address": obj{"street": "Hoofdstraat", "buildingNumber": "12a", "postCode": "9711 AB", "town": "Groningen", "country": country}}
	}
	var problem struct {
		Errors []struct{ Field, Reason string }
	}
	expect(t, "a name without Latin letters", r.Update(t, prov, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678",
		with("ООО Ромашка", "NL"), &problem), 422)
	if len(problem.Errors) != 1 || problem.Errors[0].Field != "accountHolder" {
		t.Fatalf("refusal %+v", problem)
	}
	for _, country := range []string{"N1", "nl", "NLD"} {
		expect(t, "country "+country, r.Update(t, prov, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678",
			with("Bouwschool Noord B.V.", country), nil), 422)
	}
	expect(t, "a name with its accents", r.Update(t, prov, "PUT", "/api/v1/providers/12345678/bank-account", "/api/v1/providers/12345678",
		with("Coöperatie Één & Ander", "NL"), nil), 200)
}
