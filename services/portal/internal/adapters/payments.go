package adapters

// What the portal reads of the payments service's answers (contracts/openapi/payments.yaml).

// Tranche is an instalment of an enrolment's price, due at a milestone.
type Tranche struct {
	ID          string     `json:"id"`
	EnrolmentID string     `json:"enrolmentId"`
	ContractID  string     `json:"contractId"`
	ProviderKvk string     `json:"providerKvk"`
	ProductID   string     `json:"productId"`
	BudgetID    string     `json:"budgetId"`
	Milestone   string     `json:"milestone"`
	MilestoneOn string     `json:"milestoneOn"`
	ExpectedOn  string     `json:"expectedOn"`
	Percent     int64      `json:"percent"`
	AmountCents int64      `json:"amountCents"`
	Status      string     `json:"status"`
	Holds       []Hold     `json:"holds"`
	Approvals   []Approval `json:"approvals"`
	RunID       string     `json:"runId"`
}

// Budget is one financing source's partition of the ledger.
type Budget struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Source         string `json:"source"`
	From           string `json:"from"`
	Until          string `json:"until"`
	GrantedCents   int64  `json:"grantedCents"`
	FreeCents      int64  `json:"freeCents"`
	CommittedCents int64  `json:"committedCents"`
	DueCents       int64  `json:"dueCents"`
	PaidCents      int64  `json:"paidCents"`
}

// Forecast is what a budget will pay per month for the tranches expected.
type Forecast struct {
	FreeCents int64 `json:"freeCents"`
	Months    []struct {
		Month            string `json:"month"`
		CommittedCents   int64  `json:"committedCents"`
		UncommittedCents int64  `json:"uncommittedCents"`
		Tranches         int64  `json:"tranches"`
	} `json:"months"`
}

// Run is a payment run: one SEPA file of approved tranches.
type Run struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	UpTo          string `json:"upTo"`
	ExecutionDate string `json:"executionDate"`
	Format        string `json:"format"`
	MessageID     string `json:"messageId"`
	Transfers     int64  `json:"transfers"`
	Tranches      int64  `json:"tranches"`
	TotalCents    int64  `json:"totalCents"`
	SetOffCents   int64  `json:"setOffCents"`
	Paid          int64  `json:"paid"`
	Rejected      int64  `json:"rejected"`
	CreatedAt     string `json:"createdAt"`
	CreatedBy     string `json:"createdBy"`
	ApprovedBy    string `json:"approvedBy"`
	ApprovedAt    string `json:"approvedAt"`
	ByProvider    []struct {
		ProviderKvk string `json:"providerKvk"`
		Transfers   int64  `json:"transfers"`
		Tranches    int64  `json:"tranches"`
		AmountCents int64  `json:"amountCents"`
		SetOffCents int64  `json:"setOffCents"`
	} `json:"byProvider"`
	ByBudget []struct {
		BudgetID    string `json:"budgetId"`
		Tranches    int64  `json:"tranches"`
		AmountCents int64  `json:"amountCents"`
		SetOffCents int64  `json:"setOffCents"`
	} `json:"byBudget"`
}

// Released: a second officer approved the run; its file may be downloaded and sent.
func (r Run) Released() bool { return r.Status == "approved" || r.Status == "sent" }

// Transfer is one credit transfer of a run, with the bank's answer.
type Transfer struct {
	Seq          int64    `json:"seq"`
	EndToEndID   string   `json:"endToEndId"`
	ProviderKvk  string   `json:"providerKvk"`
	AmountCents  int64    `json:"amountCents"`
	Tranches     []string `json:"tranches"`
	Creditor     string   `json:"creditor"`
	CreditorIBAN string   `json:"creditorIban"`
	Status       string   `json:"status"`
	Reason       string   `json:"reason"`
}

// Hold is why a tranche is held: a stable code and its reason.
type Hold struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Approval is a finance officer's approval of a tranche.
type Approval struct {
	By string `json:"by"`
	At string `json:"at"`
}
