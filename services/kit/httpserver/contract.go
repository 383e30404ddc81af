package httpserver

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/problem"
)

// LoadOpenAPI loads a service's OpenAPI document, resolving its references to the shared
// documents in refs (nil: none).
func LoadOpenAPI(doc []byte, refs fs.FS) (*openapi3.T, error) {
	l := openapi3.NewLoader()
	if refs == nil {
		return l.LoadFromData(doc)
	}
	l.IsExternalRefsAllowed = true
	l.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		return fs.ReadFile(refs, path.Base(u.Path))
	}
	return l.LoadFromDataWithPath(doc, &url.URL{Path: "/openapi/service.yaml"})
}

// EnforceRequestBodies checks every JSON request body against the service's OpenAPI
// document before a handler sees it: the document's bounds (lengths, sizes, patterns,
// enumerations) are what the service accepts, so a field can never take a value its events
// or its partners cannot. Every broken rule is reported at once (HTTP 422).
func EnforceRequestBodies(doc *openapi3.T) (gin.HandlerFunc, error) {
	doc.Servers = nil // match paths on any host
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return func(c *gin.Context) {
		req := c.Request
		if req.ContentLength == 0 || (req.Method != http.MethodPost && req.Method != http.MethodPut && req.Method != http.MethodPatch) {
			c.Next()
			return
		}
		if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			c.Next() // a document upload: only its route takes it, and its handler checks the content
			return
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			c.Next() // unknown routes answer 404 from the engine
			return
		}
		if route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
			c.Abort()
			Fail(c, problem.BadRequest("This operation takes no body."))
			return
		}
		err = openapi3filter.ValidateRequestBody(req.Context(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}, route.Operation.RequestBody.Value)
		if err != nil {
			c.Abort()
			Fail(c, bodyProblem(err))
			return
		}
		c.Next()
	}, nil
}

var _ routers.Router = (*gorillamux.Router)(nil)

// bodyProblem turns the validator's errors into one problem naming each field: a body of
// the wrong shape (unknown fields, wrong types) is malformed (400), one that breaks a rule of
// the contract (a bound, a pattern, an enumeration) is invalid (422).
func bodyProblem(err error) error {
	var fields []problem.FieldError
	malformed := false
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		var schemaErr *openapi3.SchemaError
		var reqErr *openapi3filter.RequestError
		switch {
		case errors.As(err, &multi):
			for _, e := range multi {
				walk(e)
			}
		case errors.As(err, &schemaErr):
			path := schemaErr.JSONPointer()
			if name, ok := unsupportedProperty(schemaErr.Reason); ok {
				path = append(path, name)
				malformed = true
			}
			field := strings.Join(path, ".")
			if field == "" {
				field = "(body)"
			}
			if schemaErr.SchemaField == "type" || schemaErr.SchemaField == "additionalProperties" {
				malformed = true
			}
			fields = append(fields, problem.FieldError{Field: field, Reason: schemaErr.Reason})
		case errors.As(err, &reqErr) && reqErr.Err != nil && !errors.Is(reqErr.Err, err):
			walk(reqErr.Err)
		default:
			fields = append(fields, problem.FieldError{Field: "(body)", Reason: err.Error()})
		}
	}
	walk(err)
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		return problem.BadRequest(fmt.Sprintf("The body could not be read: %s.", pe.Reason))
	}
	if malformed {
		p := problem.BadRequest("The body does not have the shape the API expects.")
		p.Errors = fields
		return p
	}
	return problem.Validation("The body breaks the API's contract.", fields...)
}

// unsupportedProperty reads the name from the validator's `property "x" is unsupported`.
func unsupportedProperty(reason string) (string, bool) {
	rest, ok := strings.CutPrefix(reason, `property "`)
	if !ok {
		return "", false
	}
	name, tail, ok := strings.Cut(rest, `"`)
	return name, ok && strings.HasSuffix(tail, "is unsupported")
}
