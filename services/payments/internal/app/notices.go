package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// briefingHour is when finance's morning e-mail goes out (Amsterdam time): what the day's
// work is, at the start of the day, once.
const briefingHour = 7

const financeWhy = "Dit bericht is verstuurd door het platform van de arbeidsmarktregio aan het financiële team van de regio."

// BriefFinance queues finance's morning e-mail: the tranches that wait for approval (and
// for a second approver), the held ones by reason and the bank's lines no transfer took.
// Once a day, from seven; a day with nothing waiting sends nothing. It reports 1 when it
// queued the e-mail.
func (s *Service) BriefFinance(ctx context.Context) (int, error) {
	if s.Mail == nil || !s.Mail.Sends() || s.settings.FinanceEmail == "" {
		return 0, nil
	}
	now := s.now().In(civil.Amsterdam)
	if now.Hour() < briefingHour {
		return 0, nil
	}
	cause := "finance/" + s.region + "/" + now.Format("2006-01-02")
	if done, err := s.Mail.Queued(ctx, cause); err != nil || done {
		return 0, err
	}
	var payable, second int
	var payableCents domain.Cents
	err := s.Repo.EachTranche(ctx, s.region, TrancheFilter{Status: domain.TranchePayable}, func(t *domain.Tranche) error {
		payable++
		payableCents += t.AmountCents
		if len(t.Approvals) > 0 {
			second++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	held := map[domain.HoldCode]int{}
	heldN := 0
	err = s.Repo.EachTranche(ctx, s.region, TrancheFilter{Status: domain.TrancheHeld}, func(t *domain.Tranche) error {
		heldN++
		for _, h := range t.Holds {
			held[h.Code]++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	open, err := s.openExceptions(ctx)
	if err != nil {
		return 0, err
	}
	if payable == 0 && heldN == 0 && open == 0 {
		return 0, nil
	}
	m := mail.Mail{Cause: cause, To: []string{s.settings.FinanceEmail}, Why: financeWhy,
		Title: messages.Of("Payments: %d tranches to approve, %d held", payable, heldN), Link: s.link("/financien/termijnen"), LinkLabel: "Open de termijnen in het portaal"}
	if payable > 0 {
		m.Paragraphs = append(m.Paragraphs, messages.Of("%d tranches of %s in all wait for approval; %d of them wait for a second approver.", payable, civil.Euro(payableCents), second))
	}
	for _, code := range slices.Sorted(maps.Keys(held)) {
		m.Paragraphs = append(m.Paragraphs, messages.Of("Held: %s — %d tranches.", string(code), held[code]))
	}
	if open > 0 {
		m.Paragraphs = append(m.Paragraphs, messages.Of("%d lines of the bank's files matched no transfer and wait for you.", open))
	}
	_, err = s.Mail.Queue(ctx, m)
	return 1, err
}

// tellRejections e-mails finance when a bank file rejected transfers or held lines no
// transfer took: once per file (the same file imported again says nothing new). A crash
// before it is queued loses only this e-mail; the morning e-mail still counts them.
func (s *Service) tellRejections(ctx context.Context, doc []byte, r *Reconciliation) error {
	if s.Mail == nil || !s.Mail.Sends() || s.settings.FinanceEmail == "" || (r.Rejected == 0 && r.ExceptionCount == 0) {
		return nil
	}
	sum := sha256.Sum256(doc)
	m := mail.Mail{Cause: "bank-file/" + s.region + "/" + hex.EncodeToString(sum[:12]), To: []string{s.settings.FinanceEmail}, Why: financeWhy,
		Title:      messages.Of("The bank rejected %d transfers", r.Rejected),
		Paragraphs: []messages.Message{messages.Of("The bank's %s: %d paid, %d rejected, %s lines not applied.", r.Kind, r.Paid, r.Rejected, strconv.Itoa(r.ExceptionCount))},
		Link:       s.link("/financien/afwijkingen"), LinkLabel: "Open de afwijkingen in het portaal"}
	if r.Rejected == 0 {
		m.Title = messages.Of("The bank's file has %d lines no transfer took", r.ExceptionCount)
	} else {
		m.Paragraphs = append(m.Paragraphs, messages.Of("A rejected tranche is held until the provider's account is corrected, or two officers release it."))
	}
	_, err := s.Mail.Queue(ctx, m)
	return err
}

// openExceptions counts the bank's lines waiting for finance (a few, resolved daily).
func (s *Service) openExceptions(ctx context.Context) (int, error) {
	n, after := 0, ""
	for {
		page, err := s.Repo.ListExceptions(ctx, s.region, "open", paging.Request{Limit: 200, After: after})
		if err != nil {
			return n, err
		}
		n += len(page.Items)
		if page.Next == "" {
			return n, nil
		}
		after = page.Next
	}
}

func (s *Service) link(path string) string {
	if s.settings.PortalURL == "" {
		return ""
	}
	return s.settings.PortalURL + path
}
