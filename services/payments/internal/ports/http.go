// Package ports exposes the payments application over HTTP and Kafka.
package ports

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/werkregio/platform/services/kit/optional"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/paymentsapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/payments/internal/app"
	"github.com/werkregio/platform/services/payments/internal/domain"
)

// HTTP serves the payments API: finance approves and pays, a buyer sees its region's
// budgets, a provider its own tranches and statement.
type HTTP struct{ app *app.Service }

// NewHTTP builds the handlers.
func NewHTTP(a *app.Service) *HTTP { return &HTTP{app: a} }

// Register mounts the routes on the platform's /api/v1 group.
func (h *HTTP) Register(api *gin.RouterGroup) {
	finance := auth.Require(auth.RoleFinance)
	budgets := auth.Require(auth.RoleFinance, auth.RoleBuyer, auth.RoleAdmin)
	api.GET("/budgets", budgets, h.listBudgets)
	api.POST("/budgets", finance, h.openBudget)
	api.GET("/budgets/:budgetId", budgets, h.getBudget)
	api.POST("/budgets/:budgetId/top-ups", finance, h.topUp)
	api.POST("/budgets/:budgetId/reductions", finance, h.reduce)
	api.POST("/budgets/:budgetId/carry-over", finance, h.carryOver)
	api.GET("/budgets/:budgetId/forecast", budgets, h.forecast)
	api.GET("/budgets/:budgetId/transfers", budgets, h.budgetTransfers)
	api.GET("/budgets/:budgetId/ledger-check", auth.Require(auth.RoleFinance, auth.RoleAdmin), h.ledgerCheck)

	tranches := auth.Require(auth.RoleFinance, auth.RoleAdmin, auth.RoleProvider)
	api.GET("/tranches", tranches, h.listTranches)
	api.GET("/tranches/:trancheId", tranches, h.getTranche)
	api.POST("/tranches/:trancheId/approve", finance, h.approve)
	api.POST("/tranches/:trancheId/release", finance, h.release)
	api.POST("/tranches/:trancheId/recheck", finance, h.recheck)
	api.POST("/tranches/:trancheId/repayment-request", finance, h.requestRepayment)
	api.POST("/tranches/:trancheId/repayment", finance, h.recordRepayment)
	api.GET("/providers/:kvk/statement", tranches, h.statement)

	runs := auth.Require(auth.RoleFinance, auth.RoleAdmin)
	api.GET("/runs", runs, h.listRuns)
	api.POST("/runs", finance, h.createRun)
	api.GET("/runs/:runId", runs, h.getRun)
	api.GET("/runs/:runId/file", finance, h.file)
	api.GET("/runs/:runId/transfers", runs, h.transfers)
	api.POST("/runs/:runId/approval", finance, h.approveRun)
	api.POST("/runs/:runId/cancel", finance, h.cancelRun)
	api.POST("/runs/:runId/sent", finance, h.sent)
	api.POST("/bank-reports", finance, h.bankReport)
	api.GET("/bank-exceptions", runs, h.listExceptions)
	api.GET("/bank-exceptions/:exceptionId", runs, h.getException)
	api.POST("/bank-exceptions/:exceptionId/resolution", finance, h.resolveException)
}

var principal = auth.Of

func budgetURL(b *domain.Budget) string { return "/api/v1/budgets/" + b.ID }
func runURL(r *domain.Run) string       { return "/api/v1/runs/" + r.ID }

func (h *HTTP) listBudgets(c *gin.Context) {
	q := httpserver.ListQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.ListBudgets(c, q.Page)
	httpserver.RespondPageAs(c, v, err, budgetAnswer)
}

func (h *HTTP) openBudget(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.BudgetInput](c); ok {
		v, err := h.app.OpenBudget(c, principal(c), domain.BudgetInput{Name: in.Name, Source: in.Source, From: in.From, Until: in.Until,
			Schemes: in.Schemes, Products: in.Products, AmountCents: in.AmountCents})
		httpserver.CreatedAs(c, budgetURL, v, err, budgetAnswer)
	}
}

func (h *HTTP) getBudget(c *gin.Context) {
	v, err := h.app.GetBudget(c, c.Param("budgetId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, budgetAnswer)
}

func (h *HTTP) topUp(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.TopUpInput](c); ok {
		v, err := h.app.TopUp(c, principal(c), c.Param("budgetId"), in.AmountCents, in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, budgetAnswer)
	}
}

func (h *HTTP) reduce(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.TopUpInput](c); ok {
		v, err := h.app.Reduce(c, principal(c), c.Param("budgetId"), in.AmountCents, in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, budgetAnswer)
	}
}

func (h *HTTP) carryOver(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.CarryInput](c); ok {
		v, err := h.app.CarryOver(c, principal(c), c.Param("budgetId"), app.CarryInput{ToBudgetID: in.ToBudgetID, Reason: in.Reason})
		httpserver.RespondAs(c, http.StatusOK, v, err, carriedAnswer)
	}
}

func (h *HTTP) budgetTransfers(c *gin.Context) {
	q := httpserver.ListQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.BudgetTransfers(c, c.Param("budgetId"), q.Page)
	httpserver.RespondPageAs(c, v, err, budgetTransferAnswer)
}

func (h *HTTP) ledgerCheck(c *gin.Context) {
	v, err := h.app.CheckLedger(c, c.Param("budgetId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, ledgerCheckAnswer)
}

func (h *HTTP) forecast(c *gin.Context) {
	v, err := h.app.Forecast(c, c.Param("budgetId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, forecastAnswer)
}

var statuses = []string{"expected", "held", "payable", "approved", "exported", "paid", "reversed", "claimed", "cancelled"}

func holdCodes() []string {
	out := make([]string, 0, len(domain.HoldCodes))
	for c := range domain.HoldCodes {
		out = append(out, string(c))
	}
	return out
}

func validPeriod(s string) bool {
	if len(s) != 7 || s[4] != '-' {
		return false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	return err1 == nil && err2 == nil && y >= 2000 && y <= 2999 && m >= 1 && m <= 12
}

func (h *HTTP) listTranches(c *gin.Context) {
	q := httpserver.ListQuery(c, "provider", "status", "budget", "period", "holdCode", "run", "enrolment")
	f := app.TrancheFilter{ProviderKvK: q.String("provider"), Status: domain.TrancheStatus(q.OneOf("status", statuses)),
		BudgetID: q.String("budget"), Period: q.Matching("period", validPeriod, "a month, YYYY-MM"),
		HoldCode: domain.HoldCode(q.OneOf("holdCode", holdCodes())), RunID: q.String("run"), EnrolmentID: q.String("enrolment")}
	if !q.OK() {
		return
	}
	v, err := h.app.ListTranches(c, principal(c), f, q.Page)
	httpserver.RespondPageAs(c, v, err, trancheAnswer)
}

func (h *HTTP) getTranche(c *gin.Context) {
	v, err := h.app.GetTranche(c, principal(c), c.Param("trancheId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
}

func (h *HTTP) approve(c *gin.Context) {
	v, err := h.app.Approve(c, principal(c), c.Param("trancheId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
}

func (h *HTTP) release(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.ReleaseInput](c); ok {
		v, err := h.app.Release(c, principal(c).Actor(), c.Param("trancheId"), domain.HoldCode(in.Code), in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
	}
}

func (h *HTTP) requestRepayment(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.RepaymentRequestInput](c); ok {
		v, err := h.app.RequestRepayment(c, principal(c).Actor(), c.Param("trancheId"), in.DueOn, in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
	}
}

func (h *HTTP) recordRepayment(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.RepaymentInput](c); ok {
		v, err := h.app.RecordRepayment(c, principal(c), c.Param("trancheId"), app.RepaymentInput{ReceivedOn: in.ReceivedOn, Reference: in.Reference})
		httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
	}
}

func (h *HTTP) recheck(c *gin.Context) {
	if _, err := h.app.GetTranche(c, principal(c), c.Param("trancheId")); err != nil {
		httpserver.Problem(c, err)
		return
	}
	v, err := h.app.Recheck(c, c.Param("trancheId"), principal(c).Actor())
	httpserver.RespondAs(c, http.StatusOK, v, err, trancheAnswer)
}

// statement answers JSON, or CSV for a spreadsheet (Accept: text/csv).
func (h *HTTP) statement(c *gin.Context) {
	q := httpserver.ListQuery(c, "period")
	period := q.Matching("period", validPeriod, "a month, YYYY-MM")
	if !q.OK() {
		return
	}
	if !civil.ValidKvK(c.Param("kvk")) {
		httpserver.Problem(c, rules.BadQuery("kvk", "is a KvK number of 8 digits"))
		return
	}
	v, err := h.app.Statement(c, principal(c), c.Param("kvk"), period)
	if err != nil || !httpserver.WantsCSV(c) {
		httpserver.RespondAs(c, http.StatusOK, v, err, statementAnswer)
		return
	}
	rows := make([][]string, 0, len(v.Lines))
	for _, l := range v.Lines {
		holds := make([]string, len(l.Holds))
		for i, hd := range l.Holds {
			holds[i] = string(hd.Code)
		}
		rows = append(rows, []string{l.TrancheID, l.EnrolmentID, l.ProductID, l.Milestone, l.MilestoneOn.String(), euros(l.AmountCents),
			string(l.Status), strings.Join(holds, " "), l.RunID, l.EndToEndID})
	}
	httpserver.WriteCSV(c, "statement-"+v.ProviderKvK, []string{"tranche", "enrolment", "product", "milestone", "milestone_on", "amount_eur",
		"status", "holds", "run", "end_to_end_id"}, rows)
}

func euros(c domain.Cents) string { return civil.Decimal(c) }

func (h *HTTP) listRuns(c *gin.Context) {
	q := httpserver.ListQuery(c, "status")
	status := domain.RunStatus(q.OneOf("status", []string{string(domain.RunBuilding), string(domain.RunReady), string(domain.RunApproved),
		string(domain.RunSent), string(domain.RunCancelled)}))
	if !q.OK() {
		return
	}
	v, err := h.app.ListRuns(c, status, q.Page)
	httpserver.RespondPageAs(c, v, err, runAnswer)
}

func (h *HTTP) createRun(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.RunInput](c); ok {
		run := app.RunInput{UpTo: in.UpTo, PerTranche: in.PerTranche}
		run.ExecutionDate = optional.Value(in.ExecutionDate)
		v, err := h.app.CreateRun(c, principal(c), run)
		httpserver.CreatedAs(c, runURL, v, err, runAnswer)
	}
}

func (h *HTTP) getRun(c *gin.Context) {
	v, err := h.app.GetRun(c, c.Param("runId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, runAnswer)
}

// file streams the run's pain.001 XML: the same bytes every time it is asked for.
func (h *HTTP) file(c *gin.Context) {
	r, err := h.app.GetRun(c, c.Param("runId"))
	if err == nil && !r.Released() {
		err = rules.State("run %s is %s; its file is released once a second finance officer approved the run, and not after it was cancelled", r.ID, r.Status)
	}
	if err != nil {
		httpserver.Problem(c, err)
		return
	}
	c.Header("Content-Type", "application/xml")
	c.Header("Content-Disposition", `attachment; filename="`+r.MessageID+`.xml"`)
	c.Header("ETag", httpserver.ETag(r.CurrentVersion()))
	c.Status(http.StatusOK)
	if err := h.app.WriteFile(c, r.ID, c.Writer); err != nil {
		_ = c.Error(err) // the body has begun: the truncated file fails the bank's validation
	}
}

func (h *HTTP) transfers(c *gin.Context) {
	q := httpserver.ListQuery(c)
	if !q.OK() {
		return
	}
	v, err := h.app.RunTransfers(c, c.Param("runId"), q.Page)
	httpserver.RespondPageAs(c, v, err, transferAnswer)
}

func (h *HTTP) cancelRun(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.ReasonInput](c); ok {
		v, err := h.app.CancelRun(c, principal(c), c.Param("runId"), in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, runAnswer)
	}
}

func (h *HTTP) approveRun(c *gin.Context) {
	v, err := h.app.ApproveRun(c, principal(c), c.Param("runId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, runAnswer)
}

func (h *HTTP) listExceptions(c *gin.Context) {
	q := httpserver.ListQuery(c, "status")
	status := q.OneOf("status", []string{"open", "resolved"})
	if !q.OK() {
		return
	}
	v, err := h.app.ListExceptions(c, status, q.Page)
	httpserver.RespondPageAs(c, v, err, bankExceptionAnswer)
}

func (h *HTTP) getException(c *gin.Context) {
	v, err := h.app.GetException(c, c.Param("exceptionId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, bankExceptionAnswer)
}

func (h *HTTP) resolveException(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.ReasonInput](c); ok {
		v, err := h.app.ResolveException(c, principal(c), c.Param("exceptionId"), in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, bankExceptionAnswer)
	}
}

func (h *HTTP) sent(c *gin.Context) {
	v, err := h.app.MarkSent(c, principal(c), c.Param("runId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, runAnswer)
}

func (h *HTTP) bankReport(c *gin.Context) {
	if in, ok := httpserver.Bind[paymentsapi.BankReportInput](c); ok {
		v, err := h.app.Reconcile(c, principal(c), []byte(in.Document))
		httpserver.RespondAs(c, http.StatusOK, v, err, reconciliationAnswer)
	}
}
