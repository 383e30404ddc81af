package sepa

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Outcome is the bank's answer on one transfer, from a status report (pain.002) or an
// account statement (camt.053 / camt.054).
type Outcome struct {
	EndToEndID string
	// Paid: the transfer was executed (pain.002 ACSC/ACCC, a booked debit entry on the
	// statement); Rejected: refused or returned, with the bank's reason code.
	Paid     bool
	Rejected bool
	Reason   string
}

type txStatus struct {
	EndToEndID string   `xml:"OrgnlEndToEndId"`
	Status     string   `xml:"TxSts"`
	Reasons    []string `xml:"StsRsnInf>Rsn>Cd"`
	Info       []string `xml:"StsRsnInf>AddtlInf"`
}

type groupStatus struct {
	MessageID string   `xml:"OrgnlMsgId"`
	Status    string   `xml:"GrpSts"`
	Reasons   []string `xml:"StsRsnInf>Rsn>Cd"`
}

type entry struct {
	// Sts is a code in camt.053.001.02 (<Sts>BOOK</Sts>), a choice from .08 on (<Sts><Cd>BOOK</Cd></Sts>)
	Status struct {
		Text string `xml:",chardata"`
		Code string `xml:"Cd"`
	} `xml:"Sts"`
	Direction string `xml:"CdtDbtInd"`
	Reversal  bool   `xml:"RvslInd"`
	Details   []struct {
		EndToEndID string `xml:"Refs>EndToEndId"`
		Return     string `xml:"RtrInf>Rsn>Cd"`
		Direction  string `xml:"CdtDbtInd"`
	} `xml:"NtryDtls>TxDtls"`
}

// Report is a bank file's answers: the message it answers (pain.002) and each transfer's
// outcome. A group rejection (GrpSts RJCT without transaction statuses) rejects every
// transfer of the message: Group says so and the caller applies it to the run.
type Report struct {
	Kind           string // pain.002, camt.053 or camt.054
	OriginalMsgID  string
	GroupRejected  bool
	GroupReason    string
	transactionsFn func(yield func(Outcome, error) bool)
}

// Outcomes streams the transfers' outcomes (a statement may be large).
func (r *Report) Outcomes() iter.Seq2[Outcome, error] { return r.transactionsFn }

// ReadReport reads a pain.002 status report or a camt.053/054 statement, element by element.
// It reads the file's head to know its kind and, for pain.002, the group status; the
// transfers' outcomes are read while they are iterated.
func ReadReport(r io.Reader) (*Report, error) {
	dec := xml.NewDecoder(r)
	rep := &Report{}
	head := true
	for head {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable bank file: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Document":
			ns := se.Name.Space
			switch {
			case strings.Contains(ns, "pain.002"):
				rep.Kind = "pain.002"
			case strings.Contains(ns, "camt.053"):
				rep.Kind, head = "camt.053", false
			case strings.Contains(ns, "camt.054"):
				rep.Kind, head = "camt.054", false
			default:
				return nil, fmt.Errorf("a %q document is not a pain.002 status report or a camt.053/054 statement", ns)
			}
		case "OrgnlGrpInfAndSts":
			var g groupStatus
			if err := dec.DecodeElement(&g, &se); err != nil {
				return nil, err
			}
			rep.OriginalMsgID, head = g.MessageID, false
			if g.Status == "RJCT" {
				rep.GroupRejected, rep.GroupReason = true, strings.Join(g.Reasons, ",")
			}
		}
	}
	if rep.Kind == "" {
		return nil, fmt.Errorf("not a pain.002 status report or a camt.053/054 statement")
	}
	rep.transactionsFn = func(yield func(Outcome, error) bool) {
		emitTx := func(tx *txStatus) bool {
			o := Outcome{EndToEndID: tx.EndToEndID}
			switch tx.Status {
			case "RJCT":
				o.Rejected, o.Reason = true, strings.Join(append(tx.Reasons, tx.Info...), " ")
			case "ACSC", "ACCC":
				o.Paid = true
			default:
				return true // accepted, pending: the statement will tell
			}
			return yield(o, nil)
		}
		emitEntry := func(e *entry) bool {
			booked := e.Status.Code == "BOOK" || strings.TrimSpace(e.Status.Text) == "BOOK"
			if !booked {
				return true
			}
			for _, d := range e.Details {
				if d.EndToEndID == "" || d.EndToEndID == "NOTPROVIDED" {
					continue
				}
				o := Outcome{EndToEndID: d.EndToEndID}
				switch {
				case d.Return != "" || e.Reversal || e.Direction == "CRDT":
					o.Rejected, o.Reason = true, "returned "+d.Return
				case e.Direction == "DBIT":
					o.Paid = true
				default:
					continue
				}
				if !yield(o, nil) {
					return false
				}
			}
			return true
		}
		for {
			tok, err := dec.Token()
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
			case "TxInfAndSts":
				var tx txStatus
				if err := dec.DecodeElement(&tx, &se); err != nil {
					yield(Outcome{}, err)
					return
				}
				if !emitTx(&tx) {
					return
				}
			case "Ntry":
				var e entry
				if err := dec.DecodeElement(&e, &se); err != nil {
					yield(Outcome{}, err)
					return
				}
				if !emitEntry(&e) {
					return
				}
			}
		}
	}
	return rep, nil
}
