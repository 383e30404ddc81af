package sepa

import (
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
)

// The versions of the credit-transfer initiation written: .09 is the EPC's current
// (EPC132-08 2023), .03 the previous one that most Dutch banks still take.
const (
	Pain00100109 = "pain.001.001.09"
	Pain00100103 = "pain.001.001.03"
)

// Namespace of the SEPA credit-transfer initiation Dutch banks take (EPC132-08 2023).
const Namespace = "urn:iso:std:iso:20022:tech:xsd:" + Pain00100109

// Address is a structured postal address: from November 2026 banks refuse unstructured
// ones.
type Address struct {
	Street         string `xml:"StrtNm,omitempty"`
	BuildingNumber string `xml:"BldgNb,omitempty"`
	PostCode       string `xml:"PstCd,omitempty"`
	Town           string `xml:"TwnNm"`
	Country        string `xml:"Ctry"`
}

// Header is the run: who pays, from which account, when, and the totals the bank checks
// the file against (known before the first transfer is written: the file streams).
type Header struct {
	// Version is Pain00100109 (the default) or Pain00100103.
	Version       string
	MessageID     string
	Created       time.Time
	Initiator     string
	PaymentInfoID string
	ExecutionDate string // YYYY-MM-DD
	Debtor        string
	DebtorAddress *Address
	DebtorIBAN    string
	DebtorBIC     string // empty: NOTPROVIDED (IBAN-only)
	Count         int
	TotalCents    int64
}

// Transfer is one credit transfer to a provider.
type Transfer struct {
	EndToEndID      string
	AmountCents     int64
	Creditor        string
	CreditorAddress *Address
	CreditorIBAN    string
	CreditorBIC     string
	Remittance      string // what the provider reconciles by: enrolments and tranches
}

type amount struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type party struct {
	Name    string   `xml:"Nm"`
	Address *Address `xml:"PstlAdr,omitempty"`
}

type account struct {
	IBAN string `xml:"Id>IBAN"`
}

type agent struct {
	Institution institution `xml:"FinInstnId"`
}

type institution struct {
	BIC   string `xml:"BICFI,omitempty"`
	BIC03 string `xml:"BIC,omitempty"` // the element's name in .03
	Other *other `xml:"Othr,omitempty"`
}

type other struct {
	ID string `xml:"Id"`
}

type transaction struct {
	XMLName    xml.Name `xml:"CdtTrfTxInf"`
	EndToEndID string   `xml:"PmtId>EndToEndId"`
	Amount     amount   `xml:"Amt>InstdAmt"`
	Agent      *agent   `xml:"CdtrAgt,omitempty"`
	Creditor   party    `xml:"Cdtr"`
	Account    account  `xml:"CdtrAcct"`
	Remittance string   `xml:"RmtInf>Ustrd,omitempty"`
}

// Cents writes an amount the way the schema wants it: euros with two decimals.
func Cents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// WritePain001 streams a pain.001.001.09 file: one payment instruction with the run's
// transfers, each written as it comes, so a run of any size takes the same memory. Text is
// written in the SEPA character set and cut to the schema's lengths; the transfers must add
// up to the header's count and total, or the file is refused (the caller discards it).
func WritePain001(w io.Writer, h Header, transfers iter.Seq2[Transfer, error]) error {
	v03 := h.Version == Pain00100103
	if h.Version != "" && h.Version != Pain00100109 && !v03 {
		return fmt.Errorf("no writer for %s: %s or %s", h.Version, Pain00100109, Pain00100103)
	}
	bic := func(code string) institution {
		if v03 {
			return institution{BIC03: code}
		}
		return institution{BIC: code}
	}
	ns := Namespace
	if v03 {
		ns = "urn:iso:std:iso:20022:tech:xsd:" + Pain00100103
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	start := func(name string, attrs ...xml.Attr) error {
		return enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
	}
	end := func(name string) error { return enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}}) }
	elem := func(name string, v any) error {
		return enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}})
	}
	debtorAgent := agent{Institution: bic(h.DebtorBIC)}
	if h.DebtorBIC == "" {
		debtorAgent = agent{Institution: institution{Other: &other{ID: "NOTPROVIDED"}}}
	}
	steps := []func() error{
		func() error { return start("Document", xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: ns}) },
		func() error { return start("CstmrCdtTrfInitn") },
		func() error { return start("GrpHdr") },
		func() error { return elem("MsgId", ID(h.MessageID)) },
		// with its zone: a date-time without one is read as the bank's local time
		func() error { return elem("CreDtTm", h.Created.In(civil.Amsterdam).Format(time.RFC3339)) },
		func() error { return elem("NbOfTxs", h.Count) },
		func() error { return elem("CtrlSum", Cents(h.TotalCents)) },
		func() error { return elem("InitgPty", party{Name: civil.SEPALatin(h.Initiator, 70)}) },
		func() error { return end("GrpHdr") },
		func() error { return start("PmtInf") },
		func() error { return elem("PmtInfId", ID(h.PaymentInfoID)) },
		func() error { return elem("PmtMtd", "TRF") },
		func() error { return elem("BtchBookg", "false") },
		func() error { return elem("NbOfTxs", h.Count) },
		func() error { return elem("CtrlSum", Cents(h.TotalCents)) },
		func() error {
			return elem("PmtTpInf", struct {
				Cd string `xml:"SvcLvl>Cd"`
			}{"SEPA"})
		},
		func() error {
			if v03 { // a plain date in .03, a choice of date or date-time in .09
				return elem("ReqdExctnDt", h.ExecutionDate)
			}
			return elem("ReqdExctnDt", struct {
				Dt string `xml:"Dt"`
			}{h.ExecutionDate})
		},
		func() error {
			return elem("Dbtr", party{Name: civil.SEPALatin(h.Debtor, 70), Address: latinAddress(h.DebtorAddress)})
		},
		func() error { return elem("DbtrAcct", account{IBAN: h.DebtorIBAN}) },
		func() error { return elem("DbtrAgt", debtorAgent) },
		func() error { return elem("ChrgBr", "SLEV") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	count, total := 0, int64(0)
	for t, err := range transfers {
		if err != nil {
			return err
		}
		if t.AmountCents < 1 || t.AmountCents > 99_999_999_999 {
			return fmt.Errorf("transfer %s: %d cents is outside what SEPA allows", t.EndToEndID, t.AmountCents)
		}
		name := civil.SEPALatin(t.Creditor, 70)
		if name == "" {
			return fmt.Errorf("transfer %s: the creditor's name has no character of the SEPA set", t.EndToEndID)
		}
		tx := transaction{EndToEndID: ID(t.EndToEndID), Amount: amount{Ccy: "EUR", Value: Cents(t.AmountCents)},
			Creditor: party{Name: name, Address: latinAddress(t.CreditorAddress)},
			Account:  account{IBAN: t.CreditorIBAN}, Remittance: civil.SEPALatin(t.Remittance, 140)}
		if t.CreditorBIC != "" {
			tx.Agent = &agent{Institution: bic(t.CreditorBIC)}
		}
		if err := enc.Encode(tx); err != nil {
			return err
		}
		count++
		total += t.AmountCents
	}
	if count != h.Count || total != h.TotalCents {
		return fmt.Errorf("the run has %d transfers of %s in all, the header says %d of %s", count, Cents(total), h.Count, Cents(h.TotalCents))
	}
	for _, name := range []string{"PmtInf", "CstmrCdtTrfInitn", "Document"} {
		if err := end(name); err != nil {
			return err
		}
	}
	return enc.Flush()
}

func latinAddress(a *Address) *Address {
	if a == nil {
		return nil
	}
	return &Address{Street: civil.SEPALatin(a.Street, 70), BuildingNumber: civil.SEPALatin(a.BuildingNumber, 16), PostCode: civil.SEPALatin(a.PostCode, 16),
		Town: civil.SEPALatin(a.Town, 35), Country: a.Country}
}
