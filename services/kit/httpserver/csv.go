package httpserver

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
)

// WantsCSV reports whether the client asked for CSV (Accept: text/csv): lists and reports
// answer a spreadsheet then.
func WantsCSV(c *gin.Context) bool { return strings.Contains(c.GetHeader("Accept"), "text/csv") }

// WriteCSV answers a CSV file: every export of the platform goes through it, so every cell
// a user typed is neutralised before it reaches a spreadsheet (Cell).
func WriteCSV(c *gin.Context, name string, header []string, rows [][]string) {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write(header)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, v := range row {
			safe[i] = Cell(v)
		}
		_ = w.Write(safe)
	}
	w.Flush()
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// Cell neutralises a value a spreadsheet would run as a formula (OWASP's CSV injection):
// one starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so it
// shows as the text it is. A plain number stays a number.
func Cell(v string) string {
	if v == "" || plainNumber.MatchString(v) || !strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return v
	}
	return "'" + v
}
