package ports

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/werkregio/platform/contracts/calendar"
	"github.com/werkregio/platform/services/portal/internal/app"
	"github.com/werkregio/platform/services/portal/internal/web"
)

// input is what a form sent: its values, kept to show the form again, and the errors found
// at its fields, in Dutch. The portal checks what a person can fix at once (a missing
// field, a date that is none); the service decides the rules, and its refusal is put at the
// same fields.
type input struct {
	Values map[string]string
	Errs   map[string]string
}

// input reads the named fields of the form.
func (r *req) input(names ...string) *input {
	in := &input{Values: map[string]string{}, Errs: map[string]string{}}
	for _, n := range names {
		in.Values[n] = r.form(n)
	}
	return in
}

func (in *input) ok() bool { return len(in.Errs) == 0 }

// many reads a group of checkboxes: the values ticked (kept comma-separated to show again).
func (r *req) many(in *input, name string) []string {
	vals := r.c.PostFormArray(name)
	in.Values[name] = strings.Join(vals, ",")
	return vals
}

// text is a field's value; a required one that is empty gets its error.
func (in *input) text(name string, required bool) string {
	v := in.Values[name]
	if required && v == "" {
		in.Errs[name] = "Vul dit veld in."
	}
	return v
}

// date is a day (YYYY-MM-DD, as a date field sends it).
func (in *input) date(name string) calendar.Date {
	d, err := calendar.ParseDate(in.Values[name])
	if err != nil {
		in.Errs[name] = "Vul een datum in, bijvoorbeeld 1-3-2027."
	}
	return d
}

// euro is an amount in euro (1250, 1.250,00 or 1250.5) in cents.
func (in *input) euro(name string) int64 {
	c, ok := parseEuro(in.Values[name])
	if !ok || c <= 0 {
		in.Errs[name] = "Vul een bedrag in euro in, bijvoorbeeld 1250,00."
	}
	return c
}

// integer is a whole number from min to max.
func (in *input) integer(name string, min, max int) int {
	n, err := strconv.Atoi(in.Values[name])
	if err != nil || n < min || n > max {
		in.Errs[name] = "Vul een heel getal van " + strconv.Itoa(min) + " tot en met " + strconv.Itoa(max) + " in."
	}
	return n
}

// list is a comma-separated field as its items.
func (in *input) list(name string) []string {
	out := []string{}
	for _, v := range strings.Split(in.Values[name], ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// refused puts a service's refusal at the form's fields (a field the service names by its
// path is the form's field of its last part) and says the rest as a problem above the form.
func (in *input) refused(err error) *web.Problem {
	p := problemOf(err)
	var e *app.Error
	if !errors.As(err, &e) {
		return p
	}
	p.Fields = nil
	for _, f := range e.Fields {
		name := in.fieldOf(f.Field)
		if _, onForm := in.Values[name]; onForm {
			in.Errs[name] = sentence(dutchRule(f.Rule, f.Params))
			continue
		}
		p.Fields = append(p.Fields, fieldName(f.Field)+": "+dutchRule(f.Rule, f.Params))
	}
	return p
}

// fieldOf is the form's field a service's field path names: the path itself
// ("statements[0]"), its last part ("terms.maxPriceCents"), or the list it is an item of
// ("assessedRequirements[2]" on a field of one item per line).
func (in *input) fieldOf(path string) string {
	if _, ok := in.Values[path]; ok {
		return path
	}
	name := path[strings.LastIndexAny(path, "./")+1:]
	if _, ok := in.Values[name]; !ok {
		if i := strings.IndexByte(name, '['); i > 0 {
			return name[:i]
		}
	}
	return name
}

// fill shows the values sent and the errors found in the form's fields.
func (in *input) fill(f *web.Form) {
	for i := range f.Fields {
		fl := &f.Fields[i]
		if v, ok := in.Values[fl.Name]; ok && fl.Type != "hidden" {
			fl.Value = v
		}
		fl.Error = in.Errs[fl.Name]
	}
}

// checkProblem is the problem a form with errors at its fields shows above it.
var checkProblem = &web.Problem{Title: "Controleer de invoer", Detail: "Niet alle velden zijn goed ingevuld; de fouten staan bij de velden."}

// formPage shows a task's form on a page of its own, what went wrong above it.
func (r *req) formPage(title, lead string, crumbs []web.Link, f *web.Form, problem *web.Problem, status int) {
	p := r.page(title, lead)
	p.Crumbs, p.Problem = crumbs, problem
	p.Blocks = []web.Block{{Form: f}}
	r.s.Render.Render(r.c.Writer, status, p)
}

// submit ends a form's post, the same way for every task: a form with errors at its fields
// is shown again keeping its Idempotency-Key (it was not sent); otherwise send carries it out
// with the key, a refusal is shown at the fields (the form has a new key: the corrected form
// is another request), a failure as a page, and done follows the effect.
func submit[T any](r *req, in *input, f *web.Form, show func(*web.Form, *web.Problem, int), send func(key string) (T, error), done func(T)) {
	key := r.form("key")
	if !in.ok() {
		f.Key = key
		in.fill(f)
		show(f, checkProblem, http.StatusUnprocessableEntity)
		return
	}
	v, err := send(key)
	if isRefusal(err) {
		problem := in.refused(err)
		in.fill(f)
		show(f, problem, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	done(v)
}
