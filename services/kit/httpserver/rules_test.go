package httpserver

import (
	"net/http"
	"slices"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/rules"
)

// A broken rule reaches the client by its stable code and parameters beside the English, so
// the portal and any other client say it in their own language.
func TestARefusalNamesItsRuleAndParameters(t *testing.T) {
	r, _ := engine(t)
	r.POST("/tranches/:id/approve", func(c *gin.Context) {
		Problem(c, rules.State("tranche %s is %s; only a payable tranche is approved", c.Param("id"), "held"))
	})
	r.POST("/budgets", func(c *gin.Context) {
		var v rules.Checker
		v.Check(false, "amountCents", "must be at most %d cents", 500)
		Problem(c, v.Err())
	})
	w, p := do(r, "POST", "/tranches/t1/approve", "")
	if w.Code != http.StatusConflict || p.Rule != "tranche-x-is-x-only-a-payable-tranche-is-approved" || !slices.Equal(p.Params, []string{"t1", "held"}) {
		t.Errorf("%d %+v", w.Code, p)
	}
	w, p = do(r, "POST", "/budgets", "")
	if w.Code != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Rule != "must-be-at-most-x-cents" || !slices.Equal(p.Errors[0].Params, []string{"500"}) {
		t.Errorf("%d %+v", w.Code, p)
	}
}
