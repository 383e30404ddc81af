package adapters

// What the portal reads of the participants and providers services' answers.

// Participant is a job seeker (never with a BSN: the service reveals one only on request).
type Participant struct {
	ID           string   `json:"id"`
	Municipality string   `json:"municipality"`
	Name         string   `json:"name"`
	TargetGroups []string `json:"targetGroups"`
	LadderStep   int64    `json:"ladderStep"`
	WorkCoach    struct {
		Subject string `json:"subject"`
		Name    string `json:"name"`
		Org     string `json:"org"`
	} `json:"workCoach"`
	Consent struct {
		Purpose     string `json:"purpose"`
		GivenOn     string `json:"givenOn"`
		WithdrawnOn string `json:"withdrawnOn"`
	} `json:"consent"`
	RegisteredAt string `json:"registeredAt"`
}

// Enrolment is a participant's trajectory at a provider.
type Enrolment struct {
	ID             string `json:"id"`
	ParticipantID  string `json:"participantId"`
	ContractNumber string `json:"contractNumber"`
	ProviderKvk    string `json:"providerKvk"`
	ProviderName   string `json:"providerName"`
	ProductID      string `json:"productId"`
	ProductName    string `json:"productName"`
	Location       string `json:"location"`
	StartDate      string `json:"startDate"`
	PriceCents     int64  `json:"priceCents"`
	Terms          Terms  `json:"terms"`
	Status         string `json:"status"`
	StartedOn      string `json:"startedOn"`
	CompletedOn    string `json:"completedOn"`
	PlacedOn       string `json:"placedOn"`
	SustainableOn  string `json:"sustainableOn"`
	History        []struct {
		Status string `json:"status"`
		On     string `json:"on"`
		By     string `json:"by"`
		Reason string `json:"reason"`
	} `json:"history"`
}

// Attendance is an enrolment's hours against the product's minimum.
type Attendance struct {
	TotalHours         float64 `json:"totalHours"`
	MinAttendanceHours int64   `json:"minAttendanceHours"`
	Days               []struct {
		Date    string  `json:"date"`
		Hours   float64 `json:"hours"`
		Reports int64   `json:"reports"`
	} `json:"days"`
}

// Outcomes are enrolments by status, in total and per provider.
type Outcomes struct {
	ByStatus  map[string]int64 `json:"byStatus"`
	Providers []struct {
		ProviderKvk string           `json:"providerKvk"`
		ByStatus    map[string]int64 `json:"byStatus"`
	} `json:"providers"`
	Truncated bool `json:"truncated"`
}

// Offer is a provider's offer under one contract.
type Offer struct {
	ContractID     string `json:"contractId"`
	ContractNumber string `json:"contractNumber"`
	SchemeRef      string `json:"schemeReference"`
	ProviderName   string `json:"providerName"`
	ContractStatus string `json:"contractStatus"`
	Products       []struct {
		ProductID  string   `json:"productId"`
		Name       string   `json:"name"`
		PriceCents int64    `json:"priceCents"`
		Terms      []Terms  `json:"terms"`
		Locations  []string `json:"locations"`
		Starts     []struct {
			Date     string `json:"date"`
			Location string `json:"location"`
			Capacity int64  `json:"capacity"`
		} `json:"starts"`
	} `json:"products"`
}

// Statement is a provider's account: due, held, paid and claimed back, a line per tranche.
type Statement struct {
	ProviderKvk  string `json:"providerKvk"`
	DueCents     int64  `json:"dueCents"`
	HeldCents    int64  `json:"heldCents"`
	PaidCents    int64  `json:"paidCents"`
	ClaimedCents int64  `json:"claimedCents"`
	Lines        []struct {
		TrancheID   string `json:"trancheId"`
		EnrolmentID string `json:"enrolmentId"`
		Milestone   string `json:"milestone"`
		MilestoneOn string `json:"milestoneOn"`
		AmountCents int64  `json:"amountCents"`
		Status      string `json:"status"`
		Holds       []Hold `json:"holds"`
		EndToEndID  string `json:"endToEndId"`
	} `json:"lines"`
}
