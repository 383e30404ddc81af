package service_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/kittest"
)

// The EPC's details a Dutch bank checks: the initiating party's name at most 70
// characters, the creation time with its zone, the debtor's IBAN written as an IBAN
// (configured with spaces), and an execution date on a TARGET2 business day (the next one
// by default; a weekend or closing day refused with the next one named).
func TestEPCDetails(t *testing.T) {
	long := "Gemeente Groningen namens de arbeidsmarktregio Groningen en de gemeenten van Noord-Drenthe"
	e := startOn(t, kittest.NewPlatform(t), &kittest.Clock{}, "PAYMENTS_DEBTOR_NAME", long, "PAYMENTS_DEBTOR_IBAN", "nl91 abna 0417 1643 00")
	e.award(t, contractID, provider, -60)
	e.account(t, provider, "NL91ABNA0417164300", "confirmed", 1)
	e.openBudget(t, 1_000_000)
	e.milestone(t, "enr-1", "prt-1", "started", 1, -5, 95_000)
	e.waitTranche(t, "trn-enr-1-started", "payable")
	expect(t, "approve", e.r.Call(t, e.finance, "POST", "/api/v1/tranches/trn-enr-1-started/approve", nil, nil), 200)

	saturday := civil.DateOf(time.Now()).AddDays(1)
	for saturday.Time().Weekday() != time.Saturday {
		saturday = saturday.AddDays(1)
	}
	var problem struct {
		Errors []struct{ Field, Reason string }
	}
	expect(t, "a Saturday", e.r.Call(t, e.finance, "POST", "/api/v1/runs", obj{"upTo": kittest.Day(0), "executionDate": saturday.String()}, &problem), 422)
	if len(problem.Errors) != 1 || problem.Errors[0].Field != "executionDate" || !strings.Contains(problem.Errors[0].Reason, saturday.AddDays(2).String()) {
		t.Fatalf("a Saturday's refusal %+v does not name the Monday after", problem)
	}
	run := e.makeRun(t)
	file := string(e.download(t, run.ID))
	validPain001(t, []byte(file))
	execution := regexp.MustCompile(`<ReqdExctnDt><Dt>([0-9-]+)</Dt>`).FindStringSubmatch(file)
	if execution == nil {
		t.Fatal("no execution date")
	}
	day, _ := civil.ParseDate(execution[1])
	if !civil.TARGET2Day(day) || !day.After(civil.DateOf(time.Now())) {
		t.Errorf("execution date %s is not the next TARGET2 day", day)
	}
	if !regexp.MustCompile(`<CreDtTm>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)</CreDtTm>`).MatchString(file) {
		t.Errorf("CreDtTm without its zone: %.300s", file)
	}
	initiator := regexp.MustCompile(`<InitgPty><Nm>([^<]*)</Nm>`).FindStringSubmatch(file)
	if initiator == nil || len(initiator[1]) > 70 || !strings.HasPrefix(long, initiator[1]) {
		t.Errorf("the initiating party %q is not the debtor's name cut to 70 characters", initiator)
	}
	if !strings.Contains(file, "<DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>") {
		t.Errorf("the debtor's IBAN is not written as an IBAN")
	}
}
