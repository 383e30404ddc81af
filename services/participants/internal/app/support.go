package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/werkregio/platform/contracts/messages"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/mail"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/kit/privacy"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/participants/internal/domain"
)

// SupportRequests keeps the regional mobility team's requests.
type SupportRequests interface {
	Add(ctx context.Context, r *domain.SupportRequest) error
	// SubmittedSince counts the requests submitted at or after since (confirmed or not).
	SubmittedSince(ctx context.Context, since time.Time) (int64, error)
	ByTokenHash(ctx context.Context, hash string) (*domain.SupportRequest, error)
	Confirm(ctx context.Context, id string, at time.Time) error
	// EraseUnconfirmed removes the requests submitted before and never confirmed.
	EraseUnconfirmed(ctx context.Context, before time.Time) (int, error)
	// List is a page of the requests in a status, the longest waiting first.
	List(ctx context.Context, status string, page paging.Request) (paging.Page[domain.SupportRequest], error)
	Load(ctx context.Context, id string) (*domain.SupportRequest, error)
	// PickedUp records the adviser unless another took it first (rules.ErrConflict).
	PickedUp(ctx context.Context, r *domain.SupportRequest) error
	// Save stores the team's work on a request at the version it was loaded at
	// (rules.ErrConflict when another change came first).
	Save(ctx context.Context, r *domain.SupportRequest) error
}

// Mailbox keeps e-mails until they are sent, one per cause (kit/mail's outbox).
type Mailbox interface {
	Queue(ctx context.Context, m mail.Mail) (bool, error)
	Sends() bool
}

// SupportSettings are the region's settings of the public request page.
type SupportSettings struct {
	// PerHour is how many requests the region takes in an hour, from everyone together.
	PerHour int
	// RetentionMonths is how long a closed request's personal data are kept (the consent says so).
	RetentionMonths int
	// PortalURL is where the confirmation link leads (the portal's page that confirms).
	PortalURL string
	// Partners is the region's catalogue of services the team refers to.
	Partners []domain.Partner
}

// DefaultPartners are the services a region's team refers to unless it names its own.
var DefaultPartners = []domain.Partner{
	{ID: "vakbond-loopbaangesprek", Name: "Loopbaangesprek bij de vakbond", Org: "fnv-noord"},
	{ID: "leerwerkloket", Name: "Leerwerkloket"},
	{ID: "werkgeversservicepunt", Name: "Werkgeversservicepunt"},
	{ID: "school", Name: "Een school (mbo of hbo)"},
	{ID: "werkcoach-gemeente", Name: "Werkcoach van de gemeente"},
}

type support struct {
	requests SupportRequests
	mail     Mailbox
	settings SupportSettings
}

// WithSupport lets the service take the RMT's support requests.
func (s *Service) WithSupport(requests SupportRequests, m Mailbox, settings SupportSettings) *Service {
	s.support = support{requests: requests, mail: m, settings: settings}
	return s
}

// AskForSupport takes a resident's request and e-mails the link that confirms it. A filled
// honeypot field stores nothing and answers the same. Past the hour's limit, or without
// e-mail to confirm with, nothing is taken.
func (s *Service) AskForSupport(ctx context.Context, region string, in domain.SupportRequestInput, honeypot string) (int, error) {
	if region != s.region || s.support.requests == nil {
		return 0, rules.ErrNotFound
	}
	if honeypot != "" {
		return s.support.settings.RetentionMonths, nil
	}
	if s.support.mail == nil || !s.support.mail.Sends() || s.support.settings.PortalURL == "" {
		return 0, rules.Unavailable(time.Hour, "support requests are not taken now: the region sends no e-mail to confirm them")
	}
	now := s.now()
	n, err := s.support.requests.SubmittedSince(ctx, now.Add(-time.Hour))
	if err != nil {
		return 0, err
	}
	if n >= int64(s.support.settings.PerHour) {
		return 0, rules.TooMany(10*time.Minute, "the team takes no more requests this hour; try again later")
	}
	v := &rules.Checker{} // a BSN is not asked and not taken, wherever it is typed
	for _, f := range []struct{ name, text string }{{"question", in.Question}, {"name", in.Name}, {"phone", in.Phone}, {"municipality", in.Municipality}} {
		v.Check(!privacy.HoldsBSN(f.text), f.name, "must not hold a BSN: the team does not need it")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	token := secret(24)
	r, err := domain.NewSupportRequest("req-"+secret(9), s.region, in, token, s.support.settings.RetentionMonths, now)
	if err != nil {
		return 0, err
	}
	// the e-mail first: a request kept without its link could never be confirmed
	if _, err := s.support.mail.Queue(ctx, confirmationMail(r, s.support.settings.PortalURL+"/hulp/bevestigen?code="+token)); err != nil {
		return 0, err
	}
	return r.RetentionMonths, s.support.requests.Add(ctx, r)
}

func confirmationMail(r *domain.SupportRequest, link string) mail.Mail {
	return mail.Mail{Cause: "support-request/" + r.Region + "/" + r.ID + "/confirm", To: []string{r.Email},
		Title: messages.Of("Confirm your question to the regional mobility team"),
		Paragraphs: []messages.Message{
			messages.Of("You asked the regional mobility team for help. Confirm your question with the link below within 48 hours; then an adviser contacts you."),
			messages.Of("The team uses your data for this question only and erases them %d months after it is answered.", r.RetentionMonths),
			messages.Of("Did you not ask anything? Then ignore this e-mail: without confirmation your data are erased after 48 hours."),
		},
		Link: link, LinkLabel: "Vraag bevestigen",
		Why: "Dit bericht is verstuurd door het regionaal mobiliteitsteam omdat dit e-mailadres bij een hulpvraag is opgegeven."}
}

// ConfirmSupportRequest makes a request count from its e-mail's link; again, the same outcome.
func (s *Service) ConfirmSupportRequest(ctx context.Context, region, token string) (*domain.SupportRequest, error) {
	if region != s.region || s.support.requests == nil {
		return nil, rules.ErrNotFound
	}
	r, err := s.support.requests.ByTokenHash(ctx, domain.TokenHash(token))
	if err != nil {
		return nil, err
	}
	was := r.Status
	if err := r.Confirm(token, s.now()); err != nil {
		return nil, err
	}
	if was != r.Status {
		if err := s.support.requests.Confirm(ctx, r.ID, r.ConfirmedAt); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// EraseUnconfirmed erases the requests nobody confirmed in time.
func (s *Service) EraseUnconfirmed(ctx context.Context) (int, error) {
	if s.support.requests == nil {
		return 0, nil
	}
	return s.support.requests.EraseUnconfirmed(ctx, s.now().Add(-domain.ConfirmWithin))
}

// theTeam: the mobility team's advisers and the region's oversight work with its requests.
func theTeam(p auth.Principal) bool {
	return p.Has(auth.RoleAdviser, auth.RoleCoordinator, auth.RoleAdmin)
}

// SupportRequests is the team's work list in a status (open by default), longest waiting first.
func (s *Service) SupportRequests(ctx context.Context, p auth.Principal, status string, page paging.Request) (paging.Page[domain.SupportRequest], error) {
	if !theTeam(p) || s.support.requests == nil {
		return paging.Page[domain.SupportRequest]{}, rules.Forbid("only the mobility team sees its requests")
	}
	if status == "" {
		status = domain.RequestOpen
	}
	return s.support.requests.List(ctx, status, page)
}

// SupportRequest is one confirmed request, to the team.
func (s *Service) SupportRequest(ctx context.Context, p auth.Principal, id string) (*domain.SupportRequest, error) {
	if !theTeam(p) || s.support.requests == nil {
		return nil, rules.Forbid("only the mobility team sees its requests")
	}
	r, err := s.support.requests.Load(ctx, id)
	if err == nil && r.Status == domain.RequestUnconfirmed {
		return nil, rules.ErrNotFound
	}
	return r, err
}

// PickUpSupportRequest makes an open request the calling adviser's.
func (s *Service) PickUpSupportRequest(ctx context.Context, p auth.Principal, id string) (*domain.SupportRequest, error) {
	if !p.Has(auth.RoleAdviser) {
		return nil, rules.Forbid("only an adviser of the mobility team picks up a request")
	}
	r, err := s.SupportRequest(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := r.PickUp(p.Subject, p.Org, s.now()); err != nil {
		return nil, err
	}
	if err := s.support.requests.PickedUp(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReferralPartners is the region's catalogue, to the team.
func (s *Service) ReferralPartners(p auth.Principal) ([]domain.Partner, error) {
	if !theTeam(p) {
		return nil, rules.Forbid("only the mobility team refers")
	}
	return s.support.settings.Partners, nil
}

// WorkOnSupportRequest applies the adviser's step (advice, a referral, the closing) to the
// request they picked up; a step another change raced is tried again on the newer version.
func (s *Service) WorkOnSupportRequest(ctx context.Context, p auth.Principal, id string, step func(r *domain.SupportRequest, by string, now time.Time) error) (*domain.SupportRequest, error) {
	if !p.Has(auth.RoleAdviser) {
		return nil, rules.Forbid("only the adviser who picked the request up works on it")
	}
	for attempt := 0; ; attempt++ {
		r, err := s.SupportRequest(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if err := step(r, p.Subject, s.now()); err != nil {
			return nil, err
		}
		err = s.support.requests.Save(ctx, r)
		if !errors.Is(err, rules.ErrConflict) || attempt == 3 {
			return r, err
		}
	}
}

// AdviseOnSupportRequest records the adviser's advice; a BSN in the note is refused.
func (s *Service) AdviseOnSupportRequest(ctx context.Context, p auth.Principal, id, category, note string) (*domain.SupportRequest, error) {
	if privacy.HoldsBSN(note) {
		return nil, rules.Invalid("note", "must not hold a BSN: the team does not need it")
	}
	return s.WorkOnSupportRequest(ctx, p, id, func(r *domain.SupportRequest, by string, now time.Time) error {
		return r.Advise(by, category, note, now)
	})
}

// Partner is a partner of the region's catalogue.
func (s *Service) Partner(id string) (domain.Partner, error) {
	for _, p := range s.support.settings.Partners {
		if p.ID == id {
			return p, nil
		}
	}
	return domain.Partner{}, rules.Invalid("partner", "is not a partner of the region's catalogue")
}

// Now is the service's clock (a page says how long a request waits).
func (s *Service) Now() time.Time { return s.now() }

// secret is n random bytes, URL-safe.
func secret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
