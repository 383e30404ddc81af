package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/werkregio/platform/services/kit/problem"
)

// Bind decodes the body into a T strictly (unknown fields are an error, so typos surface)
// and records an RFC 9457 problem on failure; ok false: the handler stops. The one way a
// handler reads a JSON body.
func Bind[T any](c *gin.Context) (in T, ok bool) {
	return in, bindJSON(c, &in)
}

func bindJSON(c *gin.Context, dst any) bool {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			_ = c.Error(problem.KindTooLarge.New(err.Error()))
			return false
		}
		_ = c.Error(problem.BadRequest("The body could not be read."))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		_ = c.Error(problem.BadRequest(describe(err)))
		return false
	}
	if dec.More() {
		_ = c.Error(problem.BadRequest("The body holds more than one JSON value."))
		return false
	}
	return true
}

func describe(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("Field %q must be of type %s.", typeErr.Field, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("The body is not valid JSON (at byte %d).", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return "The body is empty; send a JSON object."
	default:
		return "The body could not be decoded: " + err.Error()
	}
}

// Fail records err for the problem middleware.
func Fail(c *gin.Context, err error) {
	_ = c.Error(err)
}
