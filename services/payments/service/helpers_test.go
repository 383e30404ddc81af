package service_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts"
	"github.com/werkregio/platform/contracts/catalog"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/kittest"
	"github.com/werkregio/platform/services/payments/service"
	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/debian"
)

type obj = map[string]any

var expect = kittest.Expect

const (
	provider   = "12345678"
	contractID = "ctr.sch-1.12345678.1"
)

type env struct {
	pf       *kittest.Platform
	r        *kittest.Running
	clock    *kittest.Clock
	finance  string
	finance2 string
	buyer    string
	prov     string
	other    string
	seq      atomic.Int64
}

var settings = map[string]string{"PAYMENTS_DEBTOR_NAME": "Gemeente Groningen", "PAYMENTS_DEBTOR_IBAN": "NL91ABNA0417164300",
	"PAYMENTS_DEBTOR_BIC": "ABNANL2A", "PAYMENTS_DEBTOR_STREET": "Kreupelstraat", "PAYMENTS_DEBTOR_BUILDING_NUMBER": "1",
	"PAYMENTS_DEBTOR_POST_CODE": "9712 HW", "PAYMENTS_DEBTOR_TOWN": "Groningen", "PAYMENTS_FOUR_EYES_CENTS": "50000",
	"PAYMENTS_RECHECK_INTERVAL": "200ms"}

func start(t *testing.T) *env {
	t.Helper()
	pf := kittest.NewPlatform(t)
	return startOn(t, pf, &kittest.Clock{})
}

func startOn(t *testing.T, pf *kittest.Platform, c *kittest.Clock, extra ...string) *env {
	t.Helper()
	doc, _ := contracts.OpenAPI(service.Name)
	envs := map[string]string{}
	for k, v := range settings {
		envs[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		envs[extra[i]] = extra[i+1]
	}
	r := pf.StartService(t, kittest.Service{Name: service.Name, Options: service.Options(), Wire: service.WireWith(c.Now), OpenAPI: doc,
		OpenAPIRefs: contracts.OpenAPIFiles(), Env: envs})
	return &env{pf: pf, r: r, clock: c,
		finance: pf.Token(t, "gemeente-groningen", auth.RoleFinance), finance2: secondOfficer(t, pf),
		buyer: pf.Token(t, "gemeente-groningen", auth.RoleBuyer), prov: pf.Token(t, provider, auth.RoleProvider), other: pf.Token(t, "23456789", auth.RoleProvider)}
}

// publish puts an event on a topic with the next sequence of its key.
func (e *env) publish(t *testing.T, topic, typ, key string, seq int, data obj) {
	t.Helper()
	raw, _ := json.Marshal(data)
	n := e.seq.Add(1)
	kittest.PublishRaw(t, e.pf.Infra.Kafka, e.pf.Topic(topic), kittest.WithSequence(
		kittest.CloudEvent(fmt.Sprintf("%s-%d", typ, n), typ, "/werkregio/groningen/test", key, raw), seq))
}

func (e *env) award(t *testing.T, contract, kvk string, on int) {
	t.Helper()
	e.publish(t, catalog.TopicProcurementContracts, catalog.TypeContractAwarded, contract, 1, obj{"contractId": contract, "number": "OH-2026-BT/" + kvk + "/1",
		"schemeId": "sch-1", "schemeReference": "OH-2026-BT", "region": "groningen", "buyer": "gemeente-groningen", "providerKvk": kvk,
		"providerName": "Bouwschool Noord", "awardedAt": e.clock.Now().AddDate(0, 0, on).UTC().Format(time.RFC3339),
		"products": []obj{{"productId": "prd-1", "name": "Timmerman basis", "priceCents": 95000, "termsVersion": 1, "terms": []obj{terms(40, 30, 30)}}}})
}

// account publishes a provider's bank account as the providers service does; a confirmed
// one names the finance officer who confirmed it (the second officer of the tests).
func (e *env) account(t *testing.T, kvk, iban, status string, revision int) {
	t.Helper()
	a := obj{"providerKvk": kvk, "region": "groningen",
		"accountHolder": "Bouwschool Noord B.V.", "iban": iban, "status": status, "revision": revision,
		"address": obj{"street": "Hoofdstraat", "buildingNumber": "12", "postCode": "9711 AB", "town": "Groningen", "country": "NL"},
		"at":      time.Now().UTC().Format(time.RFC3339)}
	if status == "confirmed" {
		a["confirmedBy"] = secondOfficerSubject
	}
	e.publish(t, catalog.TopicProvidersRegistry, catalog.TypeBankAccountChanged, kvk+"/bank-account", revision, a)
}

func terms(percents ...int) obj {
	ms := []string{"started", "completed", "sustainably_placed"}
	if len(percents) == 1 {
		ms = []string{"started"}
	}
	tr := []obj{}
	for i, p := range percents {
		tr = append(tr, obj{"milestone": ms[i], "percent": p})
	}
	return obj{"version": 1, "effectiveFrom": kittest.Day(-400), "maxPriceCents": 100000, "minAttendanceHours": 256,
		"requiredCertificates": []string{"VCA"}, "tranches": tr, "placementBeforeCompletion": false}
}

var milestoneTypes = map[string]string{"enrolled": catalog.TypeEnrolmentEnrolled, "started": catalog.TypeEnrolmentStarted,
	"completed": catalog.TypeEnrolmentCompleted, "sustainably_placed": catalog.TypeEnrolmentSustainablyPlaced, "dropped_out": catalog.TypeEnrolmentDroppedOut}

// milestone publishes an enrolment's milestone event as participants does (seq: the
// enrolment's version).
func (e *env) milestone(t *testing.T, enrolment, participant, ms string, seq, on int, price int) {
	t.Helper()
	e.publish(t, catalog.TopicParticipantsEnrolments, milestoneTypes[ms], enrolment, seq, milestoneData(enrolment, participant, ms, on, price))
}

func milestoneData(enrolment, participant, ms string, on, price int) obj {
	return milestoneWith(enrolment, participant, ms, on, price, terms(40, 30, 30))
}

func milestoneWith(enrolment, participant, ms string, on, price int, tm obj) obj {
	d := obj{"enrolmentId": enrolment, "participantId": participant, "region": "groningen", "contractId": contractID,
		"contractNumber": "OH-2026-BT/12345678/1", "schemeId": "sch-1", "providerKvk": provider, "productId": "prd-1", "productName": "Timmerman basis",
		"startDate": kittest.Day(-20), "priceCents": price, "terms": tm, "targetGroups": []string{"participatiewet"},
		"milestone": ms, "on": kittest.Day(on), "at": time.Now().UTC().Format(time.RFC3339)}
	switch ms {
	case "completed":
		d["attendedHours"] = 260
	case "dropped_out":
		d["reason"] = "verhuisd"
	case "placed":
		d["placement"] = obj{"id": "job-1", "employerKvk": "87654321", "startDate": kittest.Day(-2), "hoursPerWeek": 32,
			"contractType": "permanent", "recordedBy": "workcoach", "confirmedBy": []string{}}
	case "sustainably_placed":
		d["placements"] = []obj{{"id": "job-1", "employerKvk": "87654321", "startDate": kittest.Day(-220), "hoursPerWeek": 32,
			"contractType": "permanent", "recordedBy": "employer", "confirmedBy": []string{"employer"}}}
	}
	return d
}

type budget struct {
	ID        string `json:"id"`
	Granted   int64  `json:"grantedCents"`
	Free      int64  `json:"freeCents"`
	Committed int64  `json:"committedCents"`
	Due       int64  `json:"dueCents"`
	Paid      int64  `json:"paidCents"`
}

func (e *env) openBudget(t *testing.T, amount int64) budget {
	t.Helper()
	var b budget
	expect(t, "open budget", e.r.Call(t, e.finance, "POST", "/api/v1/budgets", obj{"name": "RIF Groningen 2026", "source": "Regionaal Investeringsfonds",
		"from": kittest.Day(-365), "until": kittest.Day(365), "schemes": []string{"sch-1"}, "amountCents": amount}, &b), 201)
	return b
}

func (e *env) budget(t *testing.T, id string) budget {
	t.Helper()
	var b budget
	expect(t, "budget", e.r.Call(t, e.finance, "GET", "/api/v1/budgets/"+id, nil, &b), 200)
	if b.Free+b.Committed+b.Due+b.Paid != b.Granted {
		t.Fatalf("budget does not add up: %+v", b)
	}
	return b
}

type tranche struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Amount    int64  `json:"amountCents"`
	Committed bool   `json:"committed"`
	Owed      bool   `json:"owed"`
	RunID     string `json:"runId"`
	Holds     []struct {
		Code   string   `json:"code"`
		Reason string   `json:"reason"`
		Rule   string   `json:"rule"`
		Params []string `json:"params"`
	} `json:"holds"`
}

func (e *env) tranche(t *testing.T, id string) tranche {
	t.Helper()
	var raw json.RawMessage
	var tr tranche
	switch s := e.r.Call(t, e.finance, "GET", "/api/v1/tranches/"+id, nil, &raw); s {
	case 200:
		_ = json.Unmarshal(raw, &tr)
	case 404:
	default:
		t.Fatalf("tranche %s: %d", id, s)
	}
	return tr
}

func (e *env) waitTranche(t *testing.T, id, status string) tranche {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tr := e.tranche(t, id)
		if tr.Status == status {
			return tr
		}
		if time.Now().After(deadline) {
			var raw map[string]any
			e.r.Call(t, e.finance, "GET", "/api/v1/tranches/"+id, nil, &raw)
			t.Fatalf("%s is not %s within 20s: %v", id, status, raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// download fetches a run's file.
func (e *env) download(t *testing.T, runID string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", e.r.URL+"/api/v1/runs/"+runID+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+e.finance)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("file: %d %s", resp.StatusCode, body)
	}
	return body
}

// validPain001 checks a file against the EPC schema with libxml2.
func validPain001(t *testing.T, file []byte) {
	t.Helper()
	validAgainst(t, file, "pain.001.001.09.EPC132-08_2023_SCT_C2PSP.xsd")
}

func validAgainst(t *testing.T, file []byte, schema string) {
	t.Helper()
	xmllint, err := debian.Command("xmllint", "libxml2-utils")
	if err != nil {
		t.Fatal(err)
	}
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.xml")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(root, "contracts", "iso20022", schema), path).CombinedOutput()
	if err != nil {
		t.Fatalf("the run's file is not valid against %s: %v\n%s", schema, err, out)
	}
}

const secondOfficerSubject = "controller@gemeente-groningen"

// secondOfficer is another finance officer of the region (four eyes).
func secondOfficer(t *testing.T, pf *kittest.Platform) string {
	t.Helper()
	tok, err := pf.Issuer.Issue(auth.Principal{Subject: secondOfficerSubject, Name: "Second officer", Region: kittest.Region,
		Org: "gemeente-groningen", Roles: []auth.Role{auth.RoleFinance}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// consumed is how many messages a consumer group of the service has taken.
func (e *env) consumed(t *testing.T, group string) int {
	t.Helper()
	n := 0
	for _, l := range strings.Split(e.r.Metrics(t), "\n") {
		if strings.HasPrefix(l, "messaging_client_consumed_messages_total{") && strings.Contains(l, group+"\"") {
			f := strings.Fields(l)
			v, _ := strconv.Atoi(f[len(f)-1])
			n += v
		}
	}
	return n
}

// listTranches reads every tranche of a filter.
func (e *env) listTranches(t *testing.T, query string) []tranche {
	t.Helper()
	var out []tranche
	path := "/api/v1/tranches?limit=500&" + query
	for path != "" {
		var page struct {
			Items []tranche
			Links struct {
				Next *struct{ Href string }
			} `json:"_links"`
		}
		expect(t, "tranches", e.r.Call(t, e.finance, "GET", path, nil, &page), 200)
		out = append(out, page.Items...)
		path = ""
		if page.Links.Next != nil {
			path = page.Links.Next.Href
		}
	}
	return out
}

// runView is a payment run as the tests read it.
type runView struct {
	ID, Status, MessageID string
	Transfers, Tranches   int
	TotalCents            int64
	SetOffCents           int64
	ApprovedBy            string
	ByProvider            []struct {
		ProviderKvK string `json:"providerKvk"`
		AmountCents int64  `json:"amountCents"`
		SetOffCents int64  `json:"setOffCents"`
	}
	ByBudget []struct {
		BudgetID    string `json:"budgetId"`
		Tranches    int    `json:"tranches"`
		AmountCents int64  `json:"amountCents"`
		SetOffCents int64  `json:"setOffCents"`
	}
}

// makeRun builds a run of the approved tranches up to today (first officer) and has the
// second officer approve it, which releases its file: four eyes where money leaves.
func (e *env) makeRun(t *testing.T, extra ...obj) runView {
	t.Helper()
	in := obj{"upTo": e.clock.Day(0)}
	for _, x := range extra {
		for k, v := range x {
			in[k] = v
		}
	}
	var run runView
	expect(t, "run", e.r.Call(t, e.finance, "POST", "/api/v1/runs", in, &run), 201)
	if run.Status == "cancelled" {
		return run
	}
	expect(t, "run approved by a second officer", e.r.Call(t, e.finance2, "POST", "/api/v1/runs/"+run.ID+"/approval", nil, &run), 200)
	return run
}

// reconciliation is what a bank file did, as the tests read it.
type reconciliation struct {
	Kind                      string
	Paid, Rejected, Unchanged int
	ExceptionCount            int
	Exceptions                []struct {
		ID, Code, Reason, Reference, Line, BankStatus string
	}
}

// bankReport imports a bank file as finance.
func (e *env) bankReport(t *testing.T, doc string) reconciliation {
	t.Helper()
	var raw json.RawMessage
	if s := e.r.Call(t, e.finance, "POST", "/api/v1/bank-reports", obj{"document": doc}, &raw); s != 200 {
		t.Fatalf("bank report: status %d, want 200: %s", s, raw)
	}
	var rec reconciliation
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// debtorIBAN is the account the region pays from (settings).
const debtorIBAN = "NL91ABNA0417164300"

// pain002 is the bank's status report on one transfer of a file, with the original
// transaction's amount and debtor account as Dutch banks report them.
func pain002(msgID, e2e, status, reason string, amount int64) string {
	return pain002Of(msgID, e2e, status, reason, fmt.Sprintf("%d.%02d", amount/100, amount%100), debtorIBAN)
}

func pain002For(run runView, e2e, status, reason string, amount int64) string {
	return pain002(run.MessageID, e2e, status, reason, amount)
}

func pain002Of(msgID, e2e, status, reason, amount, debtor string) string {
	rsn := ""
	if reason != "" {
		rsn = "<StsRsnInf><Rsn><Cd>" + reason + "</Cd></Rsn></StsRsnInf>"
	}
	ref := ""
	if amount != "" || debtor != "" {
		ref = "<OrgnlTxRef>"
		if amount != "" {
			ref += `<Amt><InstdAmt Ccy="EUR">` + amount + `</InstdAmt></Amt>`
		}
		if debtor != "" {
			ref += "<DbtrAcct><Id><IBAN>" + debtor + "</IBAN></Id></DbtrAcct>"
		}
		ref += "</OrgnlTxRef>"
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-02T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>%s</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId><TxSts>%s</TxSts>%s%s</TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`, msgID, msgID, e2e, status, rsn, ref)
}

func replaceOnce(s, old, new string) string { return strings.Replace(s, old, new, 1) }

func itoa(n int) string { return strconv.Itoa(n) }

func euros(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
