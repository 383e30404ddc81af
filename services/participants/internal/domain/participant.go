package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
)

// TargetGroup is a doelgroep: the benefit or status that brings someone to the platform.
type TargetGroup string

const (
	TargetWW                TargetGroup = "ww"                // werkloosheidswet
	TargetWajong            TargetGroup = "wajong"            // young disabled
	TargetWIAWAO            TargetGroup = "wia_wao"           // incapacity benefit
	TargetParticipatiewet   TargetGroup = "participatiewet"   // social assistance
	TargetDoelgroepregister TargetGroup = "doelgroepregister" // Banenafspraak register
	TargetStatushouder      TargetGroup = "statushouder"      // refugee with a residence permit
	TargetNoBenefit         TargetGroup = "no_benefit"        // niet-uitkeringsgerechtigde (nugger)
	TargetOther             TargetGroup = "other"
)

// TargetGroups lists every target group.
var TargetGroups = []TargetGroup{TargetWW, TargetWajong, TargetWIAWAO, TargetParticipatiewet, TargetDoelgroepregister, TargetStatushouder, TargetNoBenefit, TargetOther}

// Participant is a job seeker (deelnemer) in the region. The BSN is held sealed only.
type Participant struct {
	optimistic.StoreVersion // the version: its ETag
	ID                      string
	Region                  string
	Municipality            string
	Name                    string
	TargetGroups            []TargetGroup
	// LadderStep is the trede on the participatieladder: 1 isolated … 6 paid work.
	LadderStep int
	// Competencies are ESCO skill URIs (the open European vocabulary).
	Competencies         []string
	WorkCoach            commit.Actor
	Consent              Consent
	Praktijkverklaringen []Praktijkverklaring
	BBL                  *BBLProgramme
	RegisteredAt         time.Time
	UpdatedAt            time.Time
	// Erased: the personal data is gone (AVG art. 17); what remains is pseudonymous.
	Erased *Erasure
	// BSN is sealed and never part of the participant's JSON: adapters store it beside it.
	BSN SealedBSN
}

// Consent records the participant's permission: for what purpose and since when.
type Consent struct {
	Purpose     string
	GivenOn     civil.Date
	WithdrawnOn civil.Date
}

// Active: consent given and not withdrawn.
func (c Consent) Active() bool { return !c.GivenOn.IsZero() && c.WithdrawnOn.IsZero() }

// ParticipantInput registers or edits a participant. BSN is read on registration only.
type ParticipantInput struct {
	BSN          string
	Municipality string
	Name         string
	TargetGroups []TargetGroup
	LadderStep   int
	Competencies []string
	Consent      Consent
}

var escoSkill = regexp.MustCompile(`^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ValidateRegistration checks a new participant; the BSN error never repeats the number.
func (in ParticipantInput) ValidateRegistration(today civil.Date) error {
	var v rules.Checker
	_, ok := NormalizeBSN(in.BSN)
	v.Check(ok, "bsn", "is not a valid BSN (9 digits passing the 11-proef)")
	in.check(&v, today)
	return v.Err()
}

func (in ParticipantInput) check(v *rules.Checker, today civil.Date) {
	v.Check(strings.TrimSpace(in.Municipality) != "" && len(in.Municipality) <= 100, "municipality", "is required")
	v.Check(strings.TrimSpace(in.Name) != "" && len(in.Name) <= 200, "name", "is required, at most 200 characters")
	v.Check(len(in.TargetGroups) > 0, "targetGroups", "list at least one target group")
	for i, g := range in.TargetGroups {
		v.Check(slices.Contains(TargetGroups, g), fmt.Sprintf("targetGroups[%d]", i), "must be one of %v", TargetGroups)
	}
	v.Check(in.LadderStep >= 1 && in.LadderStep <= 6, "ladderStep", "must be a step of the participation ladder, 1 to 6")
	for i, c := range in.Competencies {
		v.Check(escoSkill.MatchString(c), fmt.Sprintf("competencies[%d]", i), "must be an ESCO skill URI (http://data.europa.eu/esco/skill/<uuid>)")
	}
	v.Check(len(in.Competencies) <= 50, "competencies", "at most 50")
	v.Check(strings.TrimSpace(in.Consent.Purpose) != "", "consent.purpose", "state what the participant consented to")
	v.Check(!in.Consent.GivenOn.IsZero() && !in.Consent.GivenOn.After(today), "consent.givenOn", "is required and not in the future")
	v.Check(in.Consent.WithdrawnOn.IsZero() || !in.Consent.WithdrawnOn.Before(in.Consent.GivenOn), "consent.withdrawnOn", "must not be before givenOn")
}

// NewParticipant registers a participant whose BSN the caller has sealed.
func NewParticipant(id, region string, in ParticipantInput, sealed SealedBSN, coach commit.Actor, now time.Time) (*Participant, error) {
	if err := in.ValidateRegistration(civil.DateOf(now)); err != nil {
		return nil, err
	}
	p := &Participant{ID: id, Region: region, BSN: sealed, WorkCoach: coach, Praktijkverklaringen: []Praktijkverklaring{}, RegisteredAt: now.UTC()}
	p.apply(in, now)
	return p, nil
}

// Update edits everything but the BSN, which identifies the person and never changes here.
func (p *Participant) Update(in ParticipantInput, now time.Time) error {
	var v rules.Checker
	v.Check(in.BSN == "", "bsn", "cannot be changed; register the person anew if it was wrong")
	in.check(&v, civil.DateOf(now))
	if err := v.Err(); err != nil {
		return err
	}
	p.apply(in, now)
	return nil
}

func (p *Participant) apply(in ParticipantInput, now time.Time) {
	p.Municipality, p.Name = strings.TrimSpace(in.Municipality), strings.TrimSpace(in.Name)
	p.TargetGroups = slices.Compact(slices.Sorted(slices.Values(in.TargetGroups)))
	p.LadderStep = in.LadderStep
	p.Competencies = slices.Compact(slices.Sorted(slices.Values(in.Competencies)))
	if p.Competencies == nil {
		p.Competencies = []string{}
	}
	p.Consent = in.Consent
	p.UpdatedAt = now.UTC()
}

// AssignWorkCoach hands the participant to another work coach.
func (p *Participant) AssignWorkCoach(coach commit.Actor, now time.Time) error {
	if strings.TrimSpace(coach.Subject) == "" {
		return rules.Invalid("subject", "is required")
	}
	p.WorkCoach, p.UpdatedAt = coach, now.UTC()
	return nil
}

// Praktijkverklaring is an SBB-backed statement of the work processes (werkprocessen) a
// participant masters, for whom a full mbo diploma is not (yet) feasible.
type Praktijkverklaring struct {
	ID            string
	IssuedOn      civil.Date
	Qualification string // the mbo qualification (crebo) the processes belong to
	WorkProcesses []string
	IssuedBy      string // the school or training company
}

// PraktijkverklaringInput records one.
type PraktijkverklaringInput struct {
	IssuedOn      civil.Date
	Qualification string
	WorkProcesses []string
	IssuedBy      string
}

var crebo = regexp.MustCompile(`^[0-9]{5}$`)

// AddPraktijkverklaring records an issued praktijkverklaring.
func (p *Participant) AddPraktijkverklaring(in PraktijkverklaringInput, now time.Time) (*Praktijkverklaring, error) {
	var v rules.Checker
	v.Check(!in.IssuedOn.IsZero() && !in.IssuedOn.After(civil.DateOf(now)), "issuedOn", "is required and not in the future")
	v.Check(crebo.MatchString(in.Qualification), "qualification", "must be a crebo number (5 digits)")
	v.Check(len(in.WorkProcesses) > 0, "workProcesses", "list at least one work process")
	for i, w := range in.WorkProcesses {
		v.Check(strings.TrimSpace(w) != "", fmt.Sprintf("workProcesses[%d]", i), "must not be empty")
	}
	v.Check(strings.TrimSpace(in.IssuedBy) != "", "issuedBy", "is required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	pv := Praktijkverklaring{ID: fmt.Sprintf("pv-%d", len(p.Praktijkverklaringen)+1), IssuedOn: in.IssuedOn, Qualification: in.Qualification,
		WorkProcesses: in.WorkProcesses, IssuedBy: strings.TrimSpace(in.IssuedBy)}
	p.Praktijkverklaringen = append(p.Praktijkverklaringen, pv)
	p.UpdatedAt = now.UTC()
	return &p.Praktijkverklaringen[len(p.Praktijkverklaringen)-1], nil
}

// BBLProgramme is a work-study programme (beroepsbegeleidende leerweg) the participant
// went on to.
type BBLProgramme struct {
	StartedOn     civil.Date
	Qualification string
	School        string
	EmployerKvK   string
}

// StartBBL records that the participant went on to a BBL programme.
func (p *Participant) StartBBL(in BBLProgramme, now time.Time) error {
	var v rules.Checker
	v.Check(!in.StartedOn.IsZero(), "startedOn", "is required")
	v.Check(crebo.MatchString(in.Qualification), "qualification", "must be a crebo number (5 digits)")
	v.Check(strings.TrimSpace(in.School) != "", "school", "is required")
	v.Check(civil.ValidKvK(in.EmployerKvK), "employerKvk", "must be 8 digits (KvK number)")
	if err := v.Err(); err != nil {
		return err
	}
	if p.BBL != nil {
		return rules.State("participant %s is already recorded in a BBL programme", p.ID)
	}
	p.BBL, p.UpdatedAt = &in, now.UTC()
	return nil
}

// Erasure says on what basis and when a participant's personal data was erased.
type Erasure struct {
	Basis ErasureBasis
	At    time.Time
}

// ErasureBasis is why personal data is erased.
type ErasureBasis string

const (
	ErasureConsentWithdrawn ErasureBasis = "consent-withdrawn" // the participant withdrew consent
	ErasureRetentionEnded   ErasureBasis = "retention-ended"   // the retention period has passed
	ErasureRequest          ErasureBasis = "request"           // the participant asked (AVG art. 17)
)

// ErasureBases lists every basis.
var ErasureBases = []ErasureBasis{ErasureConsentWithdrawn, ErasureRetentionEnded, ErasureRequest}

// PersonalFields are the JSON fields of a stored participant that identify the person:
// erased from its current state and from every earlier version.
var PersonalFields = []string{"name", "sealedBsn", "competencies"}

// Erase removes what identifies the person (name, BSN, competencies) and keeps what the
// region and payments must keep: the pseudonymous id, municipality, target groups, ladder
// step, consent dates, praktijkverklaringen and the enrolments with their amounts and dates.
func (p *Participant) Erase(basis ErasureBasis, now time.Time) error {
	if p.Erased != nil {
		return rules.State("participant %s was erased on %s", p.ID, p.Erased.At.Format(time.DateOnly))
	}
	if !slices.Contains(ErasureBases, basis) {
		return rules.Invalid("basis", "must be one of %v", ErasureBases)
	}
	if basis == ErasureConsentWithdrawn && p.Consent.WithdrawnOn.IsZero() {
		return rules.Invalid("basis", "consent was not withdrawn; record the withdrawal first")
	}
	p.Name, p.BSN, p.Competencies = "", SealedBSN{}, []string{}
	p.Erased = &Erasure{Basis: basis, At: now.UTC()}
	p.UpdatedAt = now.UTC()
	return nil
}

// ErrErased refuses a change of an erased participant.
func (p *Participant) ErrErased() error {
	if p.Erased == nil {
		return nil
	}
	return rules.State("participant %s was erased on %s; register the person anew if they return", p.ID, p.Erased.At.Format(time.DateOnly))
}
