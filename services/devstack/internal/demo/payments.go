package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/werkregio/platform/services/kit/auth"
)

// openBudgets opens the region's budgets before the trajectories begin, so their tranches
// are committed as they enrol: the investment fund pays the Bouw & Techniek scheme, a small
// Perspectief op Werk grant pays Werkfit maken (too small: its start is held for budget).
// Bouwopleiding Noord registers its bank account and finance confirms it.
func openBudgets(ctx context.Context, t Target, schemeID, werkfitID string) error {
	finance, err := t.at("payments", auth.RoleFinance, BuyerOrg)
	if err != nil {
		return err
	}
	for _, b := range []obj{
		{"name": "Regionaal Investeringsfonds Groningen 2025-2027", "source": "Regionaal Investeringsfonds", "from": day(-400), "until": day(365),
			"schemes": []string{schemeID}, "amountCents": 700_000},
		{"name": "Perspectief op Werk: werkfit", "source": "Perspectief op Werk", "from": day(-400), "until": day(365),
			"products": []string{werkfitID}, "amountCents": 20_000},
	} {
		if err := finance.do(ctx, "POST", "/api/v1/budgets", b, nil); err != nil {
			return err
		}
	}
	return nil
}

// registerBankAccount: the provider registers where it is paid; finance confirms it.
func registerBankAccount(ctx context.Context, t Target) error {
	provider, err := t.at("providers", auth.RoleProvider, ProviderKvK)
	if err != nil {
		return err
	}
	if err := provider.update(ctx, "PUT", "/api/v1/providers/"+ProviderKvK+"/bank-account", "/api/v1/providers/"+ProviderKvK, obj{
		"accountHolder": "Bouwopleiding Noord B.V.", "iban": "NL20INGB0001234567", "bic": "INGBNL2A",
		"address": obj{"street": "Zuiderdiep", "buildingNumber": "12", "postCode": "9711 HK", "town": "Groningen", "country": "NL"}}, nil); err != nil {
		return err
	}
	finance, err := t.at("providers", auth.RoleFinance, BuyerOrg)
	if err != nil {
		return err
	}
	return finance.do(ctx, "POST", "/api/v1/providers/"+ProviderKvK+"/bank-account/confirmation", obj{"revision": 1}, nil)
}

type demoTranche struct {
	ID          string `json:"id"`
	MilestoneOn string `json:"milestoneOn"`
}

// payTrajectories shows a tranche in every state: the oldest are approved and paid in a
// run the bank confirmed, a newer one is in a run sent without an answer yet, one is
// approved, one payable, one held for budget, those of a dropout cancelled and those still
// to come expected.
func payTrajectories(ctx context.Context, t Target) error {
	finance, err := t.at("payments", auth.RoleFinance, BuyerOrg)
	if err != nil {
		return err
	}
	// the second officer of four eyes (a region may set the amount low; the demo's is EUR 300)
	controller, err := t.atAs("payments", "controller-demo@"+BuyerOrg, auth.RoleFinance, BuyerOrg)
	if err != nil {
		return err
	}
	var payable struct{ Items []demoTranche }
	if err := poll(ctx, "the trajectories' tranches in payments", func() (bool, error) {
		err := finance.do(ctx, "GET", "/api/v1/tranches?status=payable&limit=500", nil, &payable)
		// Sanne's, Mohammed's and Peter's start and completion, Lisa's and Johan's start
		// (Sanne's sustainable placement follows when participants' hourly check finds it)
		return err == nil && len(payable.Items) >= 8, err
	}); err != nil {
		return err
	}
	approve := func(before string, most int) error {
		if err := finance.do(ctx, "GET", "/api/v1/tranches?status=payable&limit=500", nil, &payable); err != nil {
			return err
		}
		for _, tr := range payable.Items {
			if tr.MilestoneOn < before && most > 0 {
				most--
				if err := finance.do(ctx, "POST", "/api/v1/tranches/"+tr.ID+"/approve", nil, nil); err != nil && !strings.Contains(err.Error(), "409") {
					return err
				}
				// above the four-eyes amount it is still payable: a second officer approves
				if err := controller.do(ctx, "POST", "/api/v1/tranches/"+tr.ID+"/approve", nil, nil); err != nil && !strings.Contains(err.Error(), "409") {
					return err
				}
			}
		}
		return nil
	}
	// a run is built by one officer and approved by another before its file is released
	run := func(upTo string) (struct{ ID, MessageID, Status string }, error) {
		var r struct{ ID, MessageID, Status string }
		if err := finance.do(ctx, "POST", "/api/v1/runs", obj{"upTo": upTo}, &r); err != nil || r.Status != "ready" {
			return r, err
		}
		return r, controller.do(ctx, "POST", "/api/v1/runs/"+r.ID+"/approval", nil, &r)
	}
	if err := approve(day(-200), 100); err != nil {
		return err
	}
	first, err := run(day(-200))
	if err != nil {
		return err
	}
	var transfers struct {
		Items []struct {
			EndToEndID  string `json:"endToEndId"`
			AmountCents int64  `json:"amountCents"`
		}
	}
	if err := finance.do(ctx, "GET", "/api/v1/runs/"+first.ID+"/transfers", nil, &transfers); err != nil {
		return err
	}
	var lines strings.Builder
	for _, tr := range transfers.Items {
		// as Dutch banks report it: the original transaction's amount and debtor account,
		// which the reconciliation matches besides the reference
		fmt.Fprintf(&lines, `<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">%d.%02d</InstdAmt></Amt>`+
			`<DbtrAcct><Id><IBAN>%s</IBAN></Id></DbtrAcct></OrgnlTxRef></TxInfAndSts>`, tr.EndToEndID, tr.AmountCents/100, tr.AmountCents%100, DebtorIBAN)
	}
	status := `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>` +
		`<GrpHdr><MsgId>DEMO-STATUS-1</MsgId><CreDtTm>` + day(0) + `T09:00:00</CreDtTm></GrpHdr>` +
		`<OrgnlGrpInfAndSts><OrgnlMsgId>` + first.MessageID + `</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>` +
		`<OrgnlPmtInfAndSts><OrgnlPmtInfId>` + first.MessageID + `</OrgnlPmtInfId>` + lines.String() + `</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`
	if err := finance.do(ctx, "POST", "/api/v1/bank-reports", obj{"document": status}, nil); err != nil {
		return err
	}
	// a newer run went to the bank, which has not answered yet
	if err := approve(day(-15), 1); err != nil {
		return err
	}
	second, err := run(day(0))
	if err != nil {
		return err
	}
	if err := finance.do(ctx, "POST", "/api/v1/runs/"+second.ID+"/sent", nil, nil); err != nil && !strings.Contains(err.Error(), "409") {
		return err
	}
	// one more is approved for the next run; the last recent one waits for approval
	return approve(day(0), 1)
}
