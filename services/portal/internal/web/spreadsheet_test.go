package web

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/werkregio/platform/contracts/messages"
)

// Dutch Excel opens the file in columns (';', with a byte order mark), reads amounts with a
// decimal comma as numbers, and runs no formula a user typed.
func TestASpreadsheetOpensInColumnsInDutchExcel(t *testing.T) {
	var b bytes.Buffer
	s := NewSpreadsheet(&b, "Project", "Bedrag (€)")
	s.Row("Brede school; Delfzijl", Amount(123456))
	s.Row("=HYPERLINK(\"http://x\")", Amount(-5))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\uFEFF") {
		t.Fatal("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != "Brede school; Delfzijl" || rows[1][1] != "1234,56" || rows[2][1] != "-0,05" || rows[2][0][0] != '\'' {
		t.Errorf("%q", rows)
	}
}

// A service's CSV becomes a Dutch one: Dutch headers, decimal commas, Dutch words.
func TestAServicesCSVInDutch(t *testing.T) {
	var b bytes.Buffer
	err := Translate(strings.NewReader("tranche,amount_eur,status\nt1,1250.50,paid\n"), map[string]string{"amount_eur": "Bedrag (€)"}, map[string]string{"paid": "betaald"},
		func(header ...string) (Sheet, error) { return NewSpreadsheet(&b, header...), nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimPrefix(b.String(), "\uFEFF"); got != "tranche;Bedrag (€);status\nt1;1250,50;betaald\n" {
		t.Errorf("%q", got)
	}
}

// A status reads the same in a refusal (the services' catalogue) as on its badge.
func TestAStatusReadsAlikeInRefusalsAndOnBadges(t *testing.T) {
	for code, l := range labels {
		if strings.Contains(code, ":") {
			continue
		}
		if said := messages.DutchValue(code); said != code && said != l.text {
			t.Errorf("%s: the badge says %q, a refusal %q", code, l.text, said)
		}
	}
}
