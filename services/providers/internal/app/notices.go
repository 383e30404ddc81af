package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/providers/internal/domain"
)

// Mailbox keeps e-mails until they are sent, one per cause (kit/mail's outbox).
type Mailbox interface {
	Queue(ctx context.Context, m mail.Mail) (bool, error)
	Queued(ctx context.Context, cause string) (bool, error)
	// Sends reports whether e-mail goes out at all (without SMTP nothing is kept).
	Sends() bool
}

// TrancheNotice is what payments said of one of a provider's tranches (paid, or held with
// its reasons) until the provider is told by e-mail.
type TrancheNotice struct {
	ID          string // the tranche and the step, so a redelivered event is one notice
	ProviderKvK string
	TrancheID   string
	Status      string // paid, held
	AmountCents int64
	RunID       string
	Holds       []string
	At          time.Time
}

// TrancheNotices keeps the notices per provider; a batch is one e-mail.
type TrancheNotices interface {
	Record(ctx context.Context, n TrancheNotice) error
	// Waiting are the providers with notices in no batch, recorded at or before until.
	Waiting(ctx context.Context, until time.Time) ([]string, error)
	// Assign puts a provider's notices in no batch, recorded at or before until, in batch.
	Assign(ctx context.Context, kvk, batch string, until time.Time) error
	// Unmailed are the batches assigned and not yet queued as e-mail.
	Unmailed(ctx context.Context) ([]string, error)
	InBatch(ctx context.Context, batch string) ([]TrancheNotice, error)
	Mailed(ctx context.Context, batch string) error
}

// quiet is how long notices settle before they are told: a payment run's answers arrive
// within seconds, and the provider hears of the whole run in one e-mail.
const quiet = 10 * time.Minute

// noticeHorizon: a tranche's step older than this is not told.
const noticeHorizon = 7 * 24 * time.Hour

// certificateWarnings: a certificate is said to expire this many days ahead, and again
// closer to the day.
var certificateWarnings = []int{30, 7}

const providerWhy = "Dit bericht is verstuurd door het platform van de arbeidsmarktregio aan de contactpersoon van uw organisatie."

// WithMail lets the service e-mail providers: their payments and holds, certificates about
// to expire. portalURL links the e-mails to the portal ("" links nothing).
func (s *Service) WithMail(m Mailbox, notices TrancheNotices, portalURL string) *Service {
	s.mail, s.notices, s.portalURL = m, notices, portalURL
	return s
}

// NoteTranche keeps payments' word on a tranche for the provider's next e-mail. What is
// older than a week is history (a replay, the first start of this follower on a topic kept
// for ever), and nobody is told of it again.
func (s *Service) NoteTranche(ctx context.Context, n TrancheNotice) error {
	if s.notices == nil || s.mail == nil || !s.mail.Sends() || n.At.Before(s.now().Add(-noticeHorizon)) {
		return nil
	}
	return s.notices.Record(ctx, n)
}

// TellProviders e-mails each provider what was paid to it and what is held, at most once a
// day each (what comes after waits for the next day's e-mail). A batch is named before it is
// sent and marked after, so a crash in between sends it once on the next run. It reports
// how many e-mails it queued.
func (s *Service) TellProviders(ctx context.Context) (int, error) {
	if s.mail == nil || !s.mail.Sends() || s.notices == nil {
		return 0, nil
	}
	now := s.now()
	day := now.In(civil.Amsterdam).Format("2006-01-02")
	waiting, err := s.notices.Waiting(ctx, now.Add(-quiet))
	if err != nil {
		return 0, err
	}
	for _, kvk := range waiting {
		batch := "tranches/" + s.region + "/" + kvk + "/" + day
		if done, err := s.mail.Queued(ctx, batch); err != nil || done {
			if err != nil {
				return 0, err
			}
			continue // told today; tomorrow
		}
		if err := s.notices.Assign(ctx, kvk, batch, now.Add(-quiet)); err != nil {
			return 0, err
		}
	}
	batches, err := s.notices.Unmailed(ctx)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, batch := range batches {
		list, err := s.notices.InBatch(ctx, batch)
		if err != nil {
			return queued, err
		}
		prov, err := s.addressee(ctx, list)
		if err != nil {
			return queued, fmt.Errorf("provider of %s: %w", batch, err)
		}
		if prov != nil {
			if _, err := s.mail.Queue(ctx, s.paymentsMail(batch, prov, list)); err != nil {
				return queued, err
			}
			queued++
		}
		if err := s.notices.Mailed(ctx, batch); err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// addressee is the provider the notices are about; nil when it is not in this region's
// registry (paid under a contract before it registered here): nobody to tell.
func (s *Service) addressee(ctx context.Context, list []TrancheNotice) (*domain.Provider, error) {
	if len(list) == 0 {
		return nil, nil
	}
	prov, _, err := s.repo.LoadProvider(ctx, list[0].ProviderKvK)
	if errors.Is(err, rules.ErrNotFound) || (err == nil && prov.Region != s.region) {
		return nil, nil
	}
	return prov, err
}

// paymentsMail is a provider's payment advice: per payment run the tranches and their sum,
// and the held ones by reason.
func (s *Service) paymentsMail(batch string, prov *domain.Provider, list []TrancheNotice) mail.Mail {
	type run struct {
		n     int
		cents int64
	}
	runs := map[string]*run{}
	held := map[string]int{}
	paid, heldN := 0, 0
	for _, n := range list {
		switch n.Status {
		case "paid":
			paid++
			r := runs[n.RunID]
			if r == nil {
				r = &run{}
				runs[n.RunID] = r
			}
			r.n++
			r.cents += n.AmountCents
		case "held":
			heldN++
			for _, h := range n.Holds {
				held[h]++
			}
		}
	}
	m := mail.Mail{Cause: batch, To: []string{prov.Contact.Email}, Why: providerWhy,
		Title: messages.Of("Your tranches: %d paid, %d held", paid, heldN), Link: s.link("/betalingen"), LinkLabel: "Bekijk de specificatie in het portaal"}
	for _, id := range slices.Sorted(maps.Keys(runs)) {
		m.Paragraphs = append(m.Paragraphs, messages.Of("Payment run %s: %d tranches paid, %s in all, with the run as the transfer's reference.", id, runs[id].n, civil.Euro(runs[id].cents)))
	}
	for _, code := range slices.Sorted(maps.Keys(held)) {
		m.Paragraphs = append(m.Paragraphs, messages.Of("Held: %s — %d tranches.", code, held[code]))
	}
	if heldN > 0 {
		m.Paragraphs = append(m.Paragraphs, messages.Of("A held tranche is paid once its cause is fixed; the statement in the portal gives each tranche's reason."))
	}
	return m
}

// warnCertificates queues, for each verified certificate that expires within a warning's
// days, one e-mail per warning to the provider's contact.
func (s *Service) warnCertificates(ctx context.Context, prov *domain.Provider, today civil.Date) error {
	if s.mail == nil || !s.mail.Sends() || prov.Contact.Email == "" {
		return nil
	}
	for _, c := range prov.Certificates {
		if c.Pending || c.ExpiresOn.IsZero() || c.ExpiresOn.Before(today) {
			continue
		}
		left := today.DaysUntil(c.ExpiresOn)
		warning := 0
		for _, w := range certificateWarnings {
			if left <= w {
				warning = w
			}
		}
		if warning == 0 {
			continue
		}
		_, err := s.mail.Queue(ctx, mail.Mail{Cause: fmt.Sprintf("certificate/%s/%s/%s/%d", prov.KvK, c.ID, c.ExpiresOn, warning),
			To: []string{prov.Contact.Email}, Why: providerWhy, Link: s.link("/organisatie"), LinkLabel: "Leg het nieuwe certificaat vast in het portaal",
			Title: messages.Of("Your certificate %s expires on %s", c.Type, c.ExpiresOn.String()),
			Paragraphs: []messages.Message{
				messages.Of("Certificate %s (number %s) of %s expires on %s.", c.Type, c.Number, prov.Name, c.ExpiresOn.String()),
				messages.Of("Record the renewed certificate in the portal before then: a buyer verifies it, and without a valid certificate the scheme's contracts cannot take new enrolments."),
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) link(path string) string {
	if s.portalURL == "" {
		return ""
	}
	return s.portalURL + path
}
