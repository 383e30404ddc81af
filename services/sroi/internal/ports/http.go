package ports

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/werkregio/platform/services/kit/optional"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/httpserver"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/app"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// HTTP serves the SROI API: a contractor declares on its own projects; the region's buyers
// and werkplein see, decide and steer every project.
type HTTP struct{ app *app.Service }

// NewHTTP builds the handlers.
func NewHTTP(a *app.Service) *HTTP { return &HTTP{app: a} }

// Upload names the evidence route, which takes a document instead of JSON.
func Upload(r *http.Request) (int64, bool) {
	if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v1/declarations/") && strings.HasSuffix(r.URL.Path, "/evidence") {
		return app.MaxEvidenceBytes, true
	}
	return 0, false
}

// Register mounts the routes on the platform's /api/v1 group.
func (h *HTTP) Register(api *gin.RouterGroup) {
	region := auth.Require(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin)
	readers := auth.Require(auth.RoleBuyer, auth.RoleCoordinator, auth.RoleAdmin, auth.RoleContractor)
	deciders := auth.Require(auth.RoleBuyer, auth.RoleCoordinator)
	api.GET("/projects", readers, h.listProjects)
	api.GET("/projects/:projectId", readers, h.getProject)
	api.PUT("/projects/:projectId/obligation", auth.Require(auth.RoleBuyer), h.override)
	api.PUT("/projects/:projectId/parties", deciders, h.parties)
	api.PUT("/projects/:projectId/deadline", auth.Require(auth.RoleBuyer), h.deadline)
	api.POST("/projects/:projectId/declarations", auth.Require(auth.RoleContractor), h.declare)
	api.GET("/declarations", readers, h.listDeclarations)
	api.GET("/declarations/:declarationId", readers, h.getDeclaration)
	api.POST("/declarations/:declarationId/approve", deciders, h.decide(true))
	api.POST("/declarations/:declarationId/reject", deciders, h.decide(false))
	api.POST("/declarations/:declarationId/evidence", auth.Require(auth.RoleContractor), h.addEvidence)
	api.GET("/declarations/:declarationId/evidence/:evidenceId", readers, h.getEvidence)
	api.GET("/totals", readers, h.totals)
	api.GET("/tables", readers, h.tables)
	api.POST("/tables", auth.Require(auth.RoleAdmin), h.publishTable)
	api.GET("/policies", readers, h.policies)
	api.POST("/policies", auth.Require(auth.RoleAdmin), h.publishPolicy)
	api.GET("/jobs-goals", region, h.listGoals)
	api.POST("/jobs-goals", auth.Require(auth.RoleBuyer, auth.RoleAdmin), h.setGoal)
	api.GET("/jobs-goals/:goalId", region, h.goal)
	api.GET("/indicators", region, h.indicators)
	api.GET("/partnerships", region, h.listPartnerships)
	api.POST("/partnerships", region, h.setPartnership)
	api.GET("/partnerships/:partnershipId", region, h.partnership)
}

var principal = auth.Of

var (
	wantsCSV = httpserver.WantsCSV
	writeCSV = httpserver.WriteCSV
)

func euros(c domain.Cents) string { return civil.Decimal(c) }

var projectStatuses = []string{string(domain.StatusOnTrack), string(domain.StatusBehind), string(domain.StatusMet), string(domain.StatusOverdue),
	string(domain.StatusNoPolicy)}

func (h *HTTP) listProjects(c *gin.Context) {
	q := httpserver.ListQuery(c, "status", "buyer", "contractor")
	f := app.ProjectFilter{Status: domain.ProjectStatus(q.OneOf("status", projectStatuses)), Buyer: q.String("buyer"), Contractor: q.String("contractor")}
	if !q.OK() {
		return
	}
	v, err := h.app.ListProjects(c, principal(c), f, q.Page)
	if err != nil || !wantsCSV(c) {
		httpserver.RespondPageAs(c, v, err, projectAnswer)
		return
	}
	rows := make([][]string, len(v.Items))
	for i, p := range v.Items {
		rows[i] = []string{p.ID, p.Title, p.Buyer, p.ContractorKvK, p.ContractorName, p.AwardedOn.String(), p.Deadline.String(), euros(p.ObligationCents()),
			euros(p.Figures.DeclaredCents), euros(p.Figures.ApprovedCents), euros(p.Progress.ForecastCents), strconv.Itoa(p.Progress.RealisedBP / 100),
			string(p.Progress.Status), p.Progress.Reason}
	}
	if v.Next != "" {
		c.Header("Link", `<?after=`+v.Next+`>; rel="next"`)
	}
	writeCSV(c, "projects", []string{"project", "title", "buyer", "contractor_kvk", "contractor", "awarded_on", "deadline", "obligation_eur",
		"declared_eur", "approved_eur", "forecast_eur", "realised_percent", "status", "reason"}, rows)
}

func (h *HTTP) getProject(c *gin.Context) {
	v, err := h.app.GetProject(c, principal(c), c.Param("projectId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, projectAnswer)
}

func (h *HTTP) override(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.OverrideInput](c); ok {
		v, err := h.app.OverrideObligation(c, principal(c), c.Param("projectId"), in.Cents, in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, projectAnswer)
	}
}

func (h *HTTP) parties(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.Parties](c); ok {
		v, err := h.app.SetParties(c, principal(c), c.Param("projectId"), parties(in))
		httpserver.RespondAs(c, http.StatusOK, v, err, projectAnswer)
	}
}

func (h *HTTP) deadline(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.DeadlineInput](c); ok {
		v, err := h.app.SetDeadline(c, principal(c), c.Param("projectId"), in.Deadline, in.Reason)
		httpserver.RespondAs(c, http.StatusOK, v, err, projectAnswer)
	}
}

func (h *HTTP) declare(c *gin.Context) {
	httpserver.Sensitive(c) // the body may hold a BSN
	if in, ok := httpserver.Bind[sroiapi.DeclareInput](c); ok {
		v, err := h.app.Declare(c, principal(c), c.Param("projectId"), declareInput(in))
		httpserver.CreatedAs(c, func(d *domain.Declaration) string { return "/api/v1/declarations/" + d.ID }, v, err, declarationAnswer)
	}
}

var declarationStatuses = []string{string(domain.DeclarationChecking), string(domain.DeclarationSubmitted), string(domain.DeclarationApproved),
	string(domain.DeclarationRejected), string(domain.DeclarationExpired)}

func (h *HTTP) listDeclarations(c *gin.Context) {
	q := httpserver.ListQuery(c, "project", "status")
	f := app.DeclarationFilter{ProjectID: q.String("project"), Status: domain.DeclarationStatus(q.OneOf("status", declarationStatuses))}
	if !q.OK() {
		return
	}
	v, err := h.app.ListDeclarations(c, principal(c), f, q.Page)
	if err != nil || !wantsCSV(c) {
		httpserver.RespondPageAs(c, v, err, declarationAnswer)
		return
	}
	rows := make([][]string, len(v.Items))
	for i, d := range v.Items {
		rows[i] = []string{d.ID, d.ProjectID, d.ContractorKvK, d.Kind, d.TypeLabel(), d.Source, string(d.Status), strconv.Itoa(len(d.Counted)),
			euros(d.Value.Cents), d.Value.Table, d.Reason}
	}
	writeCSV(c, "declarations", []string{"declaration", "project", "contractor_kvk", "kind", "type", "source", "status", "months", "value_eur", "table", "reason"}, rows)
}

func (h *HTTP) getDeclaration(c *gin.Context) {
	v, err := h.app.GetDeclaration(c, principal(c), c.Param("declarationId"))
	httpserver.RespondAs(c, http.StatusOK, v, err, declarationAnswer)
}

func (h *HTTP) decide(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		in := sroiapi.DecisionInput{}
		if c.Request.ContentLength != 0 {
			var ok bool
			if in, ok = httpserver.Bind[sroiapi.DecisionInput](c); !ok {
				return
			}
		}
		v, err := h.app.Decide(c, principal(c), c.Param("declarationId"), approve, optional.Value(in.Reason))
		httpserver.RespondAs(c, http.StatusOK, v, err, declarationAnswer)
	}
}

func (h *HTTP) addEvidence(c *gin.Context) {
	content, err := httpserver.ReadBody(c)
	if err != nil {
		httpserver.Problem(c, rules.Invalid("content", "a document of at most 10 MB"))
		return
	}
	v, err := h.app.AddEvidence(c, principal(c), c.Param("declarationId"), c.Query("name"), content)
	httpserver.RespondAs(c, http.StatusOK, v, err, declarationAnswer)
}

func (h *HTTP) getEvidence(c *gin.Context) {
	e, b, err := h.app.GetEvidence(c, principal(c), c.Param("declarationId"), c.Param("evidenceId"))
	if err != nil {
		httpserver.Problem(c, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": e.Name})
	if disposition == "" { // a name stored before names had to be printable
		disposition = "attachment"
	}
	c.Header("Content-Disposition", disposition)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, e.ContentType, b)
}

func (h *HTTP) totals(c *gin.Context) {
	scope := c.DefaultQuery("scope", "region")
	v, err := h.app.TotalsOf(c, principal(c), scope)
	if err != nil || !wantsCSV(c) {
		httpserver.Respond(c, http.StatusOK, totalsAnswer(v), err)
		return
	}
	var rows [][]string
	for _, k := range sortedKeys(v.ByQuarter) {
		rows = append(rows, []string{"quarter", k, euros(v.ByQuarter[k])})
	}
	for _, k := range sortedKeys(v.ByType) {
		rows = append(rows, []string{"candidate_type", k, euros(v.ByType[k])})
	}
	for _, k := range sortedKeys(v.ByStatus) {
		rows = append(rows, []string{"projects_" + k, k, strconv.Itoa(v.ByStatus[k])})
	}
	rows = append(rows, []string{"total", "obligation", euros(v.ObligationCents)}, []string{"total", "declared", euros(v.DeclaredCents)},
		[]string{"total", "approved", euros(v.ApprovedCents)}, []string{"total", "forecast", euros(v.ForecastCents)})
	writeCSV(c, "totals", []string{"breakdown", "key", "value"}, rows)
}

func (h *HTTP) tables(c *gin.Context) {
	v, err := h.app.Tables(c)
	httpserver.RespondListAs(c, v, err, tableAnswer)
}

func (h *HTTP) publishTable(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.TableInput](c); ok {
		v, err := h.app.PublishTableAs(c, principal(c), tableInput(in))
		httpserver.CreatedAs(c, func(t *app.PublishedTable) string { return "/api/v1/tables/" + t.ID }, v, err, tableAnswer)
	}
}

func (h *HTTP) policies(c *gin.Context) {
	v, err := h.app.Policies(c)
	httpserver.RespondListAs(c, v, err, policyAnswer)
}

func (h *HTTP) publishPolicy(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.PolicyInput](c); ok {
		v, err := h.app.PublishPolicyAs(c, principal(c), policyInput(in))
		httpserver.CreatedAs(c, func(p *app.PublishedPolicy) string { return "/api/v1/policies/" + app.PolicyID(p.Version) }, v, err, policyAnswer)
	}
}

func (h *HTTP) listGoals(c *gin.Context) {
	v, err := h.app.ListGoals(c)
	httpserver.RespondListAs(c, v, err, goalAnswer)
}

func (h *HTTP) setGoal(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.GoalInput](c); ok {
		v, err := h.app.SetGoal(c, principal(c), goalInput(in))
		httpserver.CreatedAs(c, func(g *app.Goal) string { return "/api/v1/jobs-goals/" + g.ID }, v, err, goalAnswer)
	}
}

func (h *HTTP) goal(c *gin.Context) {
	v, err := h.app.GoalProgress(c, c.Param("goalId"))
	if err != nil || !wantsCSV(c) {
		httpserver.RespondAs(c, http.StatusOK, v, err, goalProgressAnswer)
		return
	}
	rows := make([][]string, len(v.Quarters))
	for i, q := range v.Quarters {
		rows[i] = []string{q.Quarter, strconv.Itoa(q.Placed), strconv.Itoa(q.Cumulative), strconv.Itoa(q.Target)}
	}
	writeCSV(c, "jobs-goal-"+v.Goal.ID, []string{"quarter", "placed", "cumulative", "target"}, rows)
}

// indicators is what a cross-region view reads of a region: its totals and its jobs goals.
func (h *HTTP) indicators(c *gin.Context) {
	v, err := h.app.Indicators(c, principal(c))
	httpserver.RespondAs(c, http.StatusOK, v, err, indicatorsAnswer)
}

func (h *HTTP) listPartnerships(c *gin.Context) {
	v, err := h.app.ListPartnerships(c)
	httpserver.RespondListAs(c, v, err, partnershipAnswer)
}

func (h *HTTP) setPartnership(c *gin.Context) {
	if in, ok := httpserver.Bind[sroiapi.PartnershipInput](c); ok {
		v, err := h.app.SetPartnership(c, principal(c), partnershipInput(in))
		httpserver.CreatedAs(c, func(p *app.Partnership) string { return "/api/v1/partnerships/" + p.ID }, v, err, partnershipAnswer)
	}
}

// partnership is what a partnership brought employers, government and education, what it
// cost by financing source, and its impact.
func (h *HTTP) partnership(c *gin.Context) {
	v, err := h.app.PartnershipReport(c, c.Param("partnershipId"))
	if err != nil || !wantsCSV(c) {
		httpserver.RespondAs(c, http.StatusOK, v, err, partnershipReportAnswer)
		return
	}
	rows := [][]string{
		{"employers", "placements", strconv.Itoa(v.Employers.Placements)},
		{"employers", "sroi_approved_eur", euros(v.Employers.SroiApprovedCents)},
		{"employers", "sroi_obligation_eur", euros(v.Employers.SroiObligationCents)},
		{"government", "placements_from_benefit", strconv.Itoa(v.Government.PlacementsFromBenefit)},
		{"education", "bbl_placements", strconv.Itoa(v.Education.BBLPlacements)},
		{"education", "bbl_bol_approved_eur", euros(v.Education.BBLBOLApprovedCents)},
		{"costs", "paid_eur", euros(v.Costs.PaidCents)},
		{"costs", "owed_eur", euros(v.Costs.OwedCents)},
		{"impact", "placed", strconv.Itoa(v.Impact.Placed)},
		{"impact", "still_working_after_6_months", strconv.Itoa(v.Impact.After6Months)},
		{"impact", "still_working_after_12_months", strconv.Itoa(v.Impact.After12Months)},
	}
	for _, k := range sortedKeys(v.Costs.BySource) {
		rows = append(rows, []string{"financing:" + k, "paid_eur", euros(v.Costs.BySource[k].PaidCents)}, []string{"financing:" + k, "owed_eur", euros(v.Costs.BySource[k].OwedCents)})
	}
	writeCSV(c, "partnership-"+v.Partnership.ID, []string{"stakeholder", "figure", "value"}, rows)
}
