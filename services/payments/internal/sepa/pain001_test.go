package sepa

import (
	"bytes"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/services/testenv"
	"github.com/werkregio/platform/services/testenv/debian"
)

// schema is the EPC's pain.001.001.09 schema, as Dutch banks validate against it.
func schema(t *testing.T) string { return schemaOf(t, "pain.001.001.09.EPC132-08_2023_SCT_C2PSP.xsd") }

func schemaOf(t *testing.T, name string) string {
	t.Helper()
	root, err := testenv.WorkspaceRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "contracts", "iso20022", name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the schema is not at %s: %v", path, err)
	}
	return path
}

func run(n int) (Header, iter.Seq2[Transfer, error]) {
	names := []string{"Bouwopleiding Noord B.V.", "Coöperatie Één & Ander — opleidingen", "Opleidingscentrum Zuidoost-Brabant en Noord-Limburg voor Techniek, Zorg en Logistiek B.V.", "Straße Lernen GmbH"}
	h := Header{MessageID: "run-groningen-2026-12-01-1", Created: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Initiator: "Gemeente Groningen",
		PaymentInfoID: "run-groningen-2026-12-01-1", ExecutionDate: "2026-12-02", Debtor: "Gemeente Groningen",
		DebtorAddress: &Address{Street: "Kreupelstraat", BuildingNumber: "1", PostCode: "9712 HW", Town: "Groningen", Country: "NL"},
		DebtorIBAN:    "NL91ABNA0417164300", DebtorBIC: "ABNANL2A", Count: n}
	amountOf := func(i int) int64 { return int64(38_000 + i%997) }
	for i := range n {
		h.TotalCents += amountOf(i)
	}
	return h, func(yield func(Transfer, error) bool) {
		for i := range n {
			t := Transfer{EndToEndID: fmt.Sprintf("trn-enr-%020d-started", i), AmountCents: amountOf(i), Creditor: names[i%len(names)],
				CreditorAddress: &Address{Street: "Hoofdstraat", BuildingNumber: fmt.Sprint(i%300 + 1), PostCode: "9711 AB", Town: "Groningen", Country: "NL"},
				CreditorIBAN:    "NL91ABNA0417164300",
				Remittance:      fmt.Sprintf("werkregio tranche start enr-%d deelnemer traject Timmerman — 40%% van € 950,00", i)}
			if !yield(t, nil) {
				return
			}
		}
	}
}

// A run with diacritics, long names and 10,000 transfers is a valid pain.001.001.09 file
// (checked by libxml2 against the EPC schema), in the SEPA character set, with exact totals.
func TestAPaymentRunIsAValidPain001File(t *testing.T) {
	xmllint, err := debian.Command("xmllint", "libxml2-utils")
	if err != nil {
		t.Fatal(err)
	}
	h, transfers := run(10_000)
	path := filepath.Join(t.TempDir(), "run.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePain001(f, h, transfers); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	out, err := exec.Command(xmllint, "--noout", "--schema", schema(t), path).CombinedOutput()
	if err != nil {
		t.Fatalf("the file is not valid against the EPC schema: %v\n%.2000s", err, out)
	}
	raw, _ := os.ReadFile(path)
	for _, r := range string(raw) {
		if r > 127 {
			t.Fatalf("the file holds %q, outside the SEPA character set", r)
		}
	}
	if !bytes.Contains(raw, []byte("<NbOfTxs>10000</NbOfTxs>")) || !bytes.Contains(raw, []byte("Cooperatie Een + Ander")) {
		t.Error("totals or transliteration missing")
	}
	if strings.Count(string(raw), "<CdtTrfTxInf>") != 10_000 {
		t.Error("not every transfer was written")
	}
}

func TestARunWhoseTransfersDoNotMatchItsHeaderIsRefused(t *testing.T) {
	h, transfers := run(3)
	h.TotalCents++
	var b bytes.Buffer
	if err := WritePain001(&b, h, transfers); err == nil {
		t.Fatal("a file with a wrong control sum was written without an error")
	}
}

// Banks that still ask for pain.001.001.03 get a file valid against its ISO schema, with
// the same transfers and totals.
func TestAPaymentRunIsAValidPain00100103FileBySetting(t *testing.T) {
	xmllint, err := debian.Command("xmllint", "libxml2-utils")
	if err != nil {
		t.Fatal(err)
	}
	h, transfers := run(500)
	h.Version = Pain00100103
	path := filepath.Join(t.TempDir(), "run03.xml")
	var b bytes.Buffer
	if err := WritePain001(&b, h, transfers); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", schemaOf(t, "pain.001.001.03.xsd"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("the file is not valid against the pain.001.001.03 schema: %v\n%.2000s", err, out)
	}
	if !bytes.Contains(b.Bytes(), []byte("<BIC>ABNANL2A</BIC>")) || !bytes.Contains(b.Bytes(), []byte("<NbOfTxs>500</NbOfTxs>")) {
		t.Error("the .03 file lacks the debtor's BIC or the count")
	}
}
