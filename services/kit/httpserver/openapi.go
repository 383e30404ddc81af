package httpserver

import (
	"context"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// OpenAPIPath is where a service publishes its contract (NL API Design Rules, API-51).
const OpenAPIPath = "/api/v1/openapi.json"

// APIVersionHeader carries the contract's full version on every answer (API-57).
const APIVersionHeader = "API-Version"

// APIVersion sets the API-Version header of every answer, errors included (none when the
// service has no document).
func APIVersion(version string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if version != "" {
			c.Header(APIVersionHeader, version)
		}
		c.Next()
	}
}

// PublishedOpenAPI is the service's contract as one JSON document, its references to the
// shared document taken in, so a client, a code generator or a linter reads it without the
// other files: what GET /api/v1/openapi.json answers.
func PublishedOpenAPI(doc *openapi3.T) ([]byte, error) {
	doc.InternalizeRefs(context.Background(), nil)
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi: the published document does not validate: %w", err)
	}
	return doc.MarshalJSON()
}

// OpenAPIDocument serves PublishedOpenAPI. It is public: it describes the API, not its data.
func OpenAPIDocument(doc *openapi3.T) (gin.HandlerFunc, error) {
	body, err := PublishedOpenAPI(doc)
	if err != nil {
		return nil, err
	}
	return func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", body)
	}, nil
}
