package sepa

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
)

// Levels a bank answers at: one transaction, a payment information block (a run's one
// PmtInf) or the whole message.
const (
	LevelTransaction = "transaction"
	LevelPayment     = "payment"
	LevelGroup       = "group"
)

// Outcome is what the bank says of one line of its answer: a transfer's status (pain.002
// TxInfAndSts, a camt.053/054 entry's transaction) or a status of a whole payment or
// message (pain.002 PmtInfSts or GrpSts without transaction statuses of their own). It
// carries what the bank states for the line — amount, debtor account, counts — so the
// caller matches it on reference, amount and account, never on the reference alone.
type Outcome struct {
	Level string
	// EndToEndID names the transfer (transaction level).
	EndToEndID string
	// MessageID and PaymentInfoID: the pain.001 message and payment the report answers.
	MessageID     string
	PaymentInfoID string
	// Paid: executed (pain.002 ACSC/ACCC, a booked debit on the statement); Rejected:
	// refused or returned, with the bank's reason.
	Paid, Rejected bool
	Reason         string
	// Amount: the amount the bank states for the line (HasAmount false when it states none).
	AmountCents int64
	Currency    string
	HasAmount   bool
	// Count and total the bank states for a payment or message (HasTotals false: none).
	Count       int
	TotalCents  int64
	HasTotals   bool
	DebtorIBAN  string // the debtor account the bank states: the transaction's, or the statement's account
	Line        string // the bank's line as it wrote it (XML, cut at 2,000 characters)
	StatementOf string // camt: the account the statement is of
}

// Report is a bank file: its kind and, streamed, its outcomes.
type Report struct {
	Kind     string // pain.002, camt.053 or camt.054
	outcomes func(yield func(Outcome, error) bool)
}

// Outcomes streams the outcomes in the file's order (a statement may be large).
func (r *Report) Outcomes() iter.Seq2[Outcome, error] { return r.outcomes }

type reason struct {
	Codes []string `xml:"StsRsnInf>Rsn>Cd"`
	Info  []string `xml:"StsRsnInf>AddtlInf"`
}

func (r reason) text() string {
	return strings.Join(append(append([]string{}, r.Codes...), r.Info...), " ")
}

type amountText struct {
	Currency string `xml:"Ccy,attr"`
	Value    string `xml:",chardata"`
}

type ibanRef struct {
	IBAN string `xml:"Id>IBAN"`
}

type txStatus struct {
	EndToEndID string `xml:"OrgnlEndToEndId"`
	Status     string `xml:"TxSts"`
	reason
	Ref struct {
		Amount     amountText `xml:"Amt>InstdAmt"`
		DebtorAcct ibanRef    `xml:"DbtrAcct"`
	} `xml:"OrgnlTxRef"`
}

type groupStatus struct {
	MessageID string `xml:"OrgnlMsgId"`
	Count     string `xml:"OrgnlNbOfTxs"`
	Total     string `xml:"OrgnlCtrlSum"`
	Status    string `xml:"GrpSts"`
	reason
}

type entry struct {
	Amount amountText `xml:"Amt"`
	// Sts is a code in camt.053.001.02 (<Sts>BOOK</Sts>), a choice from .08 on (<Sts><Cd>BOOK</Cd></Sts>)
	Status struct {
		Text string `xml:",chardata"`
		Code string `xml:"Cd"`
	} `xml:"Sts"`
	Direction string `xml:"CdtDbtInd"`
	Reversal  bool   `xml:"RvslInd"`
	Details   []struct {
		EndToEndID string     `xml:"Refs>EndToEndId"`
		Amount     amountText `xml:"Amt"`
		TxAmount   amountText `xml:"AmtDtls>TxAmt>Amt"`
		InstAmount amountText `xml:"AmtDtls>InstdAmt>Amt"`
		Return     string     `xml:"RtrInf>Rsn>Cd"`
		DebtorAcct ibanRef    `xml:"RltdPties>DbtrAcct"`
	} `xml:"NtryDtls>TxDtls"`
}

// ReadReport reads a pain.002 status report or a camt.053/054 statement. Its head tells
// the kind; the outcomes are read while they are iterated.
func ReadReport(doc []byte) (*Report, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	rep := &Report{}
	for rep.Kind == "" {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("not a pain.002 status report or a camt.053/054 statement")
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable bank file: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "Document" {
			return nil, fmt.Errorf("a <%s> is not a pain.002 status report or a camt.053/054 statement", se.Name.Local)
		}
		switch ns := se.Name.Space; {
		case strings.Contains(ns, "pain.002"):
			rep.Kind = "pain.002"
		case strings.Contains(ns, "camt.053"):
			rep.Kind = "camt.053"
		case strings.Contains(ns, "camt.054"):
			rep.Kind = "camt.054"
		default:
			return nil, fmt.Errorf("a %q document is not a pain.002 status report or a camt.053/054 statement", ns)
		}
	}
	r := &reader{dec: dec, doc: doc}
	if rep.Kind == "pain.002" {
		rep.outcomes = r.statusReport
	} else {
		rep.outcomes = r.statement
	}
	return rep, nil
}

type reader struct {
	dec *xml.Decoder
	doc []byte
}

// line is the bank's text from offset from to where the decoder is, cut for keeping.
func (r *reader) line(from int64) string {
	to := min(r.dec.InputOffset(), int64(len(r.doc)))
	s := strings.TrimSpace(string(r.doc[from:to]))
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// next is the next start or end element, with the offset it begins at.
func (r *reader) next() (xml.Token, int64, error) {
	for {
		at := r.dec.InputOffset()
		tok, err := r.dec.Token()
		if err != nil {
			return nil, at, err
		}
		switch tok.(type) {
		case xml.StartElement, xml.EndElement:
			return tok, at, nil
		}
	}
}

// statusReport streams a pain.002: each transaction status, and a payment's or the
// message's own status where the bank gives one (a whole run rejected, or settled). The
// group's and transactions' elements are decoded whole; a payment block's own elements
// (its id, counts, status, reasons) are read as they come, before its transactions.
func (r *reader) statusReport(yield func(Outcome, error) bool) {
	var msgID string
	var pmt *Outcome // the payment information block being read
	var pmtStart int64
	var pmtCount, pmtTotal, pmtStatus string
	var pmtWhy reason
	pmtTxs := 0
	closePayment := func(at int64) bool {
		if pmt == nil {
			return true
		}
		o := *pmt
		pmt = nil
		if pmtTxs == 0 {
			o.Line = r.lineBetween(pmtStart, at)
		}
		o.Count, o.TotalCents, o.HasTotals = totals(pmtCount, pmtTotal)
		o.Reason = pmtWhy.text()
		// a rejected payment rejects all its transfers; a settled one settles those the
		// bank did not give a status of their own
		if !settled(&o, pmtStatus) || (o.Paid && pmtTxs > 0) {
			return true
		}
		return yield(o, nil)
	}
	for {
		tok, at, err := r.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			yield(Outcome{}, err)
			return
		}
		if end, ok := tok.(xml.EndElement); ok {
			if end.Name.Local == "OrgnlPmtInfAndSts" && !closePayment(r.dec.InputOffset()) {
				return
			}
			continue
		}
		se := tok.(xml.StartElement)
		var text string
		switch se.Name.Local {
		case "OrgnlGrpInfAndSts":
			var g groupStatus
			if err := r.dec.DecodeElement(&g, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			msgID = strings.TrimSpace(g.MessageID)
			o := Outcome{Level: LevelGroup, MessageID: msgID, Reason: g.text(), Line: r.line(at)}
			o.Count, o.TotalCents, o.HasTotals = totals(g.Count, g.Total)
			if settled(&o, g.Status) && !yield(o, nil) {
				return
			}
		case "OrgnlPmtInfAndSts":
			pmt, pmtStart, pmtTxs = &Outcome{Level: LevelPayment, MessageID: msgID}, at, 0
			pmtCount, pmtTotal, pmtStatus, pmtWhy = "", "", "", reason{}
		case "StsRsnInf":
			var one struct {
				Codes []string `xml:"Rsn>Cd"`
				Info  []string `xml:"AddtlInf"`
			}
			if err := r.dec.DecodeElement(&one, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			pmtWhy.Codes, pmtWhy.Info = append(pmtWhy.Codes, one.Codes...), append(pmtWhy.Info, one.Info...)
		case "OrgnlPmtInfId", "OrgnlNbOfTxs", "OrgnlCtrlSum", "PmtInfSts":
			if err := r.dec.DecodeElement(&text, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			if pmt == nil {
				continue
			}
			switch se.Name.Local {
			case "OrgnlPmtInfId":
				pmt.PaymentInfoID = strings.TrimSpace(text)
			case "OrgnlNbOfTxs":
				pmtCount = text
			case "OrgnlCtrlSum":
				pmtTotal = text
			case "PmtInfSts":
				pmtStatus = text
			}
		case "TxInfAndSts":
			if pmt != nil && pmtTxs == 0 {
				pmt.Line = r.lineBetween(pmtStart, at)
			}
			var tx txStatus
			if err := r.dec.DecodeElement(&tx, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			pmtTxs++
			o := Outcome{Level: LevelTransaction, EndToEndID: strings.TrimSpace(tx.EndToEndID), MessageID: msgID, Reason: tx.text(),
				DebtorIBAN: normalIBAN(tx.Ref.DebtorAcct.IBAN), Line: r.line(at)}
			if pmt != nil {
				o.PaymentInfoID = pmt.PaymentInfoID
			}
			o.AmountCents, o.Currency, o.HasAmount = amountOf(tx.Ref.Amount)
			if settled(&o, tx.Status) && !yield(o, nil) {
				return
			}
		}
	}
}

func (r *reader) lineBetween(from, to int64) string {
	s := strings.TrimSpace(string(r.doc[from:min(to, int64(len(r.doc)))]))
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// statement streams a camt.053/054: every booked entry's transactions, with the account
// the statement is of.
func (r *reader) statement(yield func(Outcome, error) bool) {
	var account string
	for {
		tok, at, err := r.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			yield(Outcome{}, err)
			return
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Acct":
			var a ibanRef
			if err := r.dec.DecodeElement(&a, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			account = normalIBAN(a.IBAN)
		case "Ntry":
			var e entry
			if err := r.dec.DecodeElement(&e, &se); err != nil {
				yield(Outcome{}, err)
				return
			}
			if !r.entry(yield, &e, account, r.line(at)) {
				return
			}
		}
	}
}

func (r *reader) entry(yield func(Outcome, error) bool, e *entry, account, line string) bool {
	if e.Status.Code != "BOOK" && strings.TrimSpace(e.Status.Text) != "BOOK" {
		return true // pending or informational: the booked entry will follow
	}
	for _, d := range e.Details {
		id := strings.TrimSpace(d.EndToEndID)
		if id == "" || id == "NOTPROVIDED" {
			continue
		}
		o := Outcome{Level: LevelTransaction, EndToEndID: id, DebtorIBAN: account, StatementOf: account, Line: line}
		switch {
		case d.Return != "" || e.Reversal || e.Direction == "CRDT":
			o.Rejected, o.Reason = true, strings.TrimSpace("returned "+d.Return)
		case e.Direction == "DBIT":
			o.Paid = true
		default:
			continue
		}
		for _, a := range []amountText{d.TxAmount, d.Amount, d.InstAmount} {
			if strings.TrimSpace(a.Value) != "" {
				o.AmountCents, o.Currency, o.HasAmount = amountOf(a)
				break
			}
		}
		if !o.HasAmount && len(e.Details) == 1 {
			o.AmountCents, o.Currency, o.HasAmount = amountOf(e.Amount) // the entry is this one transaction
		}
		if !yield(o, nil) {
			return false
		}
	}
	return true
}

// settled reads a status code into the outcome; false when it settles nothing (accepted,
// pending, partly: the transactions' statuses or the statement will tell).
func settled(o *Outcome, status string) bool {
	switch strings.TrimSpace(status) {
	case "RJCT":
		o.Rejected = true
	case "ACSC", "ACCC":
		o.Paid = true
	default:
		return false
	}
	return true
}

// amountOf reads an amount of the schema's form (up to two decimals for euros) in cents.
func amountOf(a amountText) (int64, string, bool) {
	v := strings.TrimSpace(a.Value)
	if v == "" {
		return 0, "", false
	}
	cents, ok := ParseCents(v)
	return cents, strings.TrimSpace(a.Currency), ok
}

// ParseCents reads "380", "380.5" or "380.50" as cents; more decimals or anything else
// is not an amount of euros.
func ParseCents(v string) (int64, bool) {
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	e, err1 := strconv.ParseInt(whole, 10, 64)
	c, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || e < 0 || c < 0 || strings.ContainsAny(whole+frac, "+-") {
		return 0, false
	}
	return e*100 + c, true
}

func totals(count, total string) (int, int64, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(count))
	cents, ok := ParseCents(strings.TrimSpace(total))
	return n, cents, err == nil && ok
}

func normalIBAN(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
