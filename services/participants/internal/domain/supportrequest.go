package domain

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/rules"
)

// A support request is a resident's question to the regional mobility team (RMT), asked on
// a public page without an account: what they ask, their situation, how to reach them and
// their consent for this request. It counts once the person confirms it from the e-mail;
// unconfirmed, it is erased.

// Situations a person may be in (more than one at once).
var Situations = []string{"working", "job_seeker", "benefit", "no_benefit", "at_risk_of_dismissal", "company_closing"}

// Support request statuses.
const (
	RequestUnconfirmed = "unconfirmed"
	RequestOpen        = "open"
	RequestInProgress  = "in_progress"
	RequestClosed      = "closed"
)

// AdviceCategories are what an adviser's advice is about (the ministry's RMT monitoring
// counts them).
var AdviceCategories = []string{"other_work", "training", "job_search", "income_and_rights", "personal_situation", "other"}

// Outcomes are how a request ends; none ends without one.
var Outcomes = []string{"advice_given", "referred", "intervention", "no_help_needed", "unreachable"}

// Advice is an adviser's advice to the person: what it is about and a note.
type Advice struct {
	At       time.Time
	By       string
	Category string
	Note     string
}

// Partner is a service of the region the team refers to (a union's career talks, the
// leerwerkloket, the werkgeversservicepunt); Org is the partner's organisation, whose
// advisers acknowledge the referral.
type Partner struct {
	ID   string
	Name string
	Org  string
}

// Referral sends the person to a partner.
type Referral struct {
	ID      string
	Partner string
	At      time.Time
	By      string
}

// ConfirmWithin is how long a confirmation link holds; an unconfirmed request is erased after.
const ConfirmWithin = 48 * time.Hour

// SupportRequestInput is what the public form sends.
type SupportRequestInput struct {
	Question     string
	Situation    []string
	Name         string
	Email        string
	Phone        string
	Municipality string
	Consent      bool
}

// SupportRequest is a request to the RMT. Token is the confirmation e-mail's secret: only
// its hash is kept.
type SupportRequest struct {
	ID              string
	Region          string
	Question        string
	Situation       []string
	Name            string
	Email           string
	Phone           string
	Municipality    string
	RetentionMonths int
	Status          string
	TokenHash       string
	SubmittedAt     time.Time
	ConfirmedAt     time.Time
	Adviser         string
	AdviserOrg      string
	PickedUpAt      time.Time
	Advice          []Advice
	Referrals       []Referral
	Outcome         string
	ClosedAt        time.Time
	// Version is the stored version a change applies to.
	Version int
}

// NewSupportRequest checks what the person sent and makes the unconfirmed request the token
// confirms.
func NewSupportRequest(id, region string, in SupportRequestInput, token string, retentionMonths int, now time.Time) (*SupportRequest, error) {
	v := &rules.Checker{}
	q := strings.TrimSpace(in.Question)
	v.Check(len(q) >= 10 && len(q) <= 2000, "question", "tell in 10 to 2000 characters what you would like help with")
	v.Check(len(in.Situation) > 0, "situation", "choose at least one situation")
	for _, s := range in.Situation {
		v.Check(slices.Contains(Situations, s), "situation", "must be one of %v", Situations)
	}
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required, at most 200 characters")
	a, err := mail.ParseAddress(strings.TrimSpace(in.Email))
	v.Check(err == nil && a.Address == strings.TrimSpace(in.Email), "email", "must be an e-mail address: the confirmation goes there")
	v.Check(len(in.Phone) <= 30, "phone", "may be at most 30 characters")
	v.Check(len(in.Municipality) <= 100, "municipality", "may be at most 100 characters")
	v.Check(in.Consent, "consent", "the team can help only with your consent to use these data for your request")
	if err := v.Err(); err != nil {
		return nil, err
	}
	situation := slices.Clone(in.Situation) // in the order the form lists them
	slices.SortFunc(situation, func(a, b string) int { return slices.Index(Situations, a) - slices.Index(Situations, b) })
	return &SupportRequest{ID: id, Region: region, Question: q, Situation: slices.Compact(situation), Name: strings.TrimSpace(in.Name),
		Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone), Municipality: strings.TrimSpace(in.Municipality),
		RetentionMonths: retentionMonths, Status: RequestUnconfirmed, TokenHash: TokenHash(token), SubmittedAt: now.UTC()}, nil
}

// TokenHash is what is kept of a confirmation token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Confirm makes the request count when the token is its own and still holds; confirmed
// before, it stays as it is.
func (r *SupportRequest) Confirm(token string, now time.Time) error {
	if subtle.ConstantTimeCompare([]byte(TokenHash(token)), []byte(r.TokenHash)) != 1 {
		return rules.ErrNotFound
	}
	if r.Status != RequestUnconfirmed {
		return nil
	}
	if now.After(r.SubmittedAt.Add(ConfirmWithin)) {
		return rules.ErrNotFound // erased soon; asked again, it counts
	}
	r.Status, r.ConfirmedAt = RequestOpen, now.UTC()
	return nil
}

// PickUp makes an open request the adviser's; picked up by the same adviser before, it stays so.
func (r *SupportRequest) PickUp(adviser, org string, now time.Time) error {
	switch {
	case r.Status == RequestInProgress && r.Adviser == adviser:
		return nil
	case r.Status != RequestOpen:
		return rules.State("request %s is %s; only an open request is picked up", r.ID, r.Status)
	}
	r.Status, r.Adviser, r.AdviserOrg, r.PickedUpAt = RequestInProgress, adviser, org, now.UTC()
	return nil
}

// DaysWaiting are the whole days from its confirmation until it was picked up (or now).
func (r *SupportRequest) DaysWaiting(now time.Time) int {
	until := now
	if !r.PickedUpAt.IsZero() {
		until = r.PickedUpAt
	}
	if r.ConfirmedAt.IsZero() || until.Before(r.ConfirmedAt) {
		return 0
	}
	return int(until.Sub(r.ConfirmedAt).Hours() / 24)
}

// ownedBy: only the adviser who picked the request up works on it.
func (r *SupportRequest) ownedBy(adviser string) error {
	if r.Status != RequestInProgress {
		return rules.State("request %s is %s; only a request picked up is worked on", r.ID, r.Status)
	}
	if r.Adviser != adviser {
		return rules.Forbid("request %s is %s's: only the adviser who picked it up works on it", r.ID, r.Adviser)
	}
	return nil
}

// Advise records advice given to the person.
func (r *SupportRequest) Advise(by, category, note string, now time.Time) error {
	if err := r.ownedBy(by); err != nil {
		return err
	}
	v := &rules.Checker{}
	v.Check(slices.Contains(AdviceCategories, category), "category", "must be one of %v", AdviceCategories)
	note = strings.TrimSpace(note)
	v.Check(len(note) >= 3 && len(note) <= 4000, "note", "say in 3 to 4000 characters what was advised")
	if err := v.Err(); err != nil {
		return err
	}
	r.Advice = append(r.Advice, Advice{At: now.UTC(), By: by, Category: category, Note: note})
	return nil
}

// Refer sends the person to a partner of the region's catalogue; to the same partner once.
func (r *SupportRequest) Refer(by string, p Partner, now time.Time) error {
	if err := r.ownedBy(by); err != nil {
		return err
	}
	if slices.ContainsFunc(r.Referrals, func(x Referral) bool { return x.Partner == p.ID }) {
		return rules.State("the person was referred to %s already", p.Name)
	}
	r.Referrals = append(r.Referrals, Referral{ID: fmt.Sprintf("ref-%d", len(r.Referrals)+1), Partner: p.ID, At: now.UTC(), By: by})
	return nil
}

// Close ends the request with its outcome, once advice was recorded: quality over speed,
// no request closes without what was done for it.
func (r *SupportRequest) Close(by, outcome string, now time.Time) error {
	if err := r.ownedBy(by); err != nil {
		return err
	}
	if !slices.Contains(Outcomes, outcome) {
		return rules.Invalid("outcome", "must be one of %v", Outcomes)
	}
	if len(r.Advice) == 0 && outcome != "unreachable" {
		return rules.State("record the advice given before the request is closed")
	}
	if outcome == "referred" && len(r.Referrals) == 0 {
		return rules.State("the outcome is a referral, but no referral was recorded")
	}
	r.Status, r.Outcome, r.ClosedAt = RequestClosed, outcome, now.UTC()
	return nil
}
