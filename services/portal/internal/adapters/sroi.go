package adapters

// What the portal reads of the sroi service's answers (contracts/openapi/sroi.yaml).

// Totals are social-return figures of a scope (the region, a buyer, a contractor).
type Totals struct {
	Scope               string           `json:"scope"`
	Projects            int64            `json:"projects"`
	ObligationCents     int64            `json:"obligationCents"`
	DeclaredCents       int64            `json:"declaredCents"`
	ApprovedCents       int64            `json:"approvedCents"`
	ForecastCents       int64            `json:"forecastCents"`
	RealisedBasisPoints int64            `json:"realisedBasisPoints"`
	ByStatus            map[string]int64 `json:"byStatus"`
	ApprovedByQuarter   map[string]int64 `json:"approvedByQuarter"`
}

// GoalProgress is a jobs goal against the people in work.
type GoalProgress struct {
	Goal struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Target   int64  `json:"target"`
		From     string `json:"from"`
		Deadline string `json:"deadline"`
	} `json:"goal"`
	Placed         int64   `json:"placed"`
	TargetToday    int64   `json:"targetToday"`
	NeededPerMonth float64 `json:"neededPerMonth"`
	OnTrack        bool    `json:"onTrack"`
	Shortfall      int64   `json:"shortfall"`
	Quarters       []struct {
		Quarter    string `json:"quarter"`
		Placed     int64  `json:"placed"`
		Cumulative int64  `json:"cumulative"`
		Target     int64  `json:"target"`
	} `json:"quarters"`
}

// Indicators are the region's totals and jobs goals.
type Indicators struct {
	Region string         `json:"region"`
	Totals Totals         `json:"totals"`
	Goals  []GoalProgress `json:"goals"`
}

// Project is an award's social-return project.
type Project struct {
	ID             string `json:"id"`
	TenderID       string `json:"tenderId"`
	Title          string `json:"title"`
	Sector         string `json:"sector"`
	Buyer          string `json:"buyer"`
	ContractorKvk  string `json:"contractorKvk"`
	ContractorName string `json:"contractorName"`
	Award          struct {
		ValueCents  int64  `json:"valueCents"`
		BasisPoints int64  `json:"basisPoints"`
		Published   string `json:"published"`
	} `json:"award"`
	AwardedOn    string `json:"awardedOn"`
	Deadline     string `json:"deadline"`
	DeadlineRule string `json:"deadlineRule"`
	Table        string `json:"table"`
	Computed     struct {
		Cents       int64  `json:"cents"`
		BasisPoints int64  `json:"basisPoints"`
		Capped      bool   `json:"capped"`
		Rule        string `json:"rule"`
	} `json:"computed"`
	Override *struct {
		Cents  int64  `json:"cents"`
		Reason string `json:"reason"`
		By     string `json:"by"`
		At     string `json:"at"`
	} `json:"override"`
	Progress struct {
		ObligationCents     int64  `json:"obligationCents"`
		DeclaredCents       int64  `json:"declaredCents"`
		ApprovedCents       int64  `json:"approvedCents"`
		ForecastCents       int64  `json:"forecastCents"`
		RealisedBasisPoints int64  `json:"realisedBasisPoints"`
		ExpectedBasisPoints int64  `json:"expectedBasisPoints"`
		Status              string `json:"status"`
		Reason              string `json:"reason"`
	} `json:"progress"`
	CheckedOn string `json:"checkedOn"`
	NextCheck string `json:"nextCheck"`
}

// Step is one line of a value's calculation trace.
type Step struct {
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
	Cents  int64  `json:"cents"`
}

// Declaration is a contractor's declared candidate, purchase or hours, with its value.
type Declaration struct {
	ID        string         `json:"id"`
	ProjectID string         `json:"projectId"`
	Kind      string         `json:"kind"`
	Status    string         `json:"status"`
	Source    string         `json:"source"`
	Candidate map[string]any `json:"candidate"`
	Purchase  map[string]any `json:"purchase"`
	Hours     map[string]any `json:"hours"`
	Months    []string       `json:"months"`
	Counted   []string       `json:"counted"`
	Refused   []struct {
		Month  string `json:"month"`
		Reason string `json:"reason"`
	} `json:"refused"`
	Value struct {
		Cents  int64  `json:"cents"`
		Months int64  `json:"months"`
		Table  string `json:"table"`
		Trace  []Step `json:"trace"`
	} `json:"value"`
	Reason      string `json:"reason"`
	DecidedBy   string `json:"decidedBy"`
	SubmittedBy string `json:"submittedBy"`
	SubmittedAt string `json:"submittedAt"`
}
