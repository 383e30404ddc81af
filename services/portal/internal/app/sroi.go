package app

import (
	"context"
	"net/url"

	"github.com/werkregio/platform/contracts/openapi/sroiapi"
)

// Indicators are the region's social-return figures and jobs goals.
func (p *Portal) Indicators(ctx context.Context, u User) (sroiapi.Indicators, error) {
	return get[sroiapi.Indicators](ctx, p, u.call(Sroi, "/api/v1/indicators", nil))
}

// JobsGoalCSV is a jobs goal's progress as CSV.
func (p *Portal) JobsGoalCSV(ctx context.Context, u User, goalID string) (*File, error) {
	return p.csv(ctx, u.call(Sroi, "/api/v1/jobs-goals/"+url.PathEscape(goalID), nil))
}

// TotalsCSV is the region's totals per buyer and contractor as CSV.
func (p *Portal) TotalsCSV(ctx context.Context, u User) (*File, error) {
	return p.csv(ctx, u.call(Sroi, "/api/v1/totals", nil))
}

// Projects is a page of SROI projects; q: status, contractor.
func (p *Portal) Projects(ctx context.Context, u User, q url.Values) (Page[sroiapi.Project], error) {
	return list[sroiapi.Project](ctx, p, u.call(Sroi, "/api/v1/projects", q))
}

// Project is one project with its obligation and progress.
func (p *Portal) Project(ctx context.Context, u User, id string) (sroiapi.Project, error) {
	return get[sroiapi.Project](ctx, p, u.call(Sroi, "/api/v1/projects/"+url.PathEscape(id), nil))
}

// Declarations is a page of declarations; q: projectId, status.
func (p *Portal) Declarations(ctx context.Context, u User, q url.Values) (Page[sroiapi.Declaration], error) {
	return list[sroiapi.Declaration](ctx, p, u.call(Sroi, "/api/v1/declarations", q))
}

// Declaration is one declaration with its valuation.
func (p *Portal) Declaration(ctx context.Context, u User, id string) (sroiapi.Declaration, error) {
	return get[sroiapi.Declaration](ctx, p, u.call(Sroi, "/api/v1/declarations/"+url.PathEscape(id), nil))
}

// Declare submits a contractor's declaration to a project.
func (p *Portal) Declare(ctx context.Context, u User, projectID, key string, in sroiapi.DeclareInput) (sroiapi.Declaration, error) {
	return post[sroiapi.Declaration](ctx, p, u.call(Sroi, "/api/v1/projects/"+url.PathEscape(projectID)+"/declarations", nil), key, in)
}

func (p *Portal) csv(ctx context.Context, call Call) (*File, error) {
	call.Accept = "text/csv"
	return p.api.Open(ctx, call)
}

// DeclarationVersion is a declaration with its version (ETag).
func (p *Portal) DeclarationVersion(ctx context.Context, u User, id string) (sroiapi.Declaration, string, error) {
	var out sroiapi.Declaration
	etag, err := p.api.Get(ctx, u.call(Sroi, "/api/v1/declarations/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// Decide approves or rejects a declaration (a rejection says why), on the version decided on.
func (p *Portal) Decide(ctx context.Context, u User, id string, approve bool, reason, version, key string) (sroiapi.Declaration, error) {
	verb := "/reject"
	if approve {
		verb = "/approve"
	}
	call := u.call(Sroi, "/api/v1/declarations/"+url.PathEscape(id)+verb, nil)
	call.IfMatch = version
	in := sroiapi.DecisionInput{}
	if reason != "" {
		in.Reason = &reason
	}
	return post[sroiapi.Declaration](ctx, p, call, key, in)
}

// ProjectVersion is a project with its version (ETag).
func (p *Portal) ProjectVersion(ctx context.Context, u User, id string) (sroiapi.Project, string, error) {
	var out sroiapi.Project
	etag, err := p.api.Get(ctx, u.call(Sroi, "/api/v1/projects/"+url.PathEscape(id), nil), &out)
	return out, etag, err
}

// SetParties names the project's three responsible persons, on the version seen.
func (p *Portal) SetParties(ctx context.Context, u User, id, version string, in sroiapi.Parties) (sroiapi.Project, error) {
	call := u.call(Sroi, "/api/v1/projects/"+url.PathEscape(id)+"/parties", nil)
	call.IfMatch, call.Body = version, in
	var out sroiapi.Project
	err := p.api.Put(ctx, call, &out)
	return out, err
}

// Policies are the versions of the region's social-return policy.
func (p *Portal) Policies(ctx context.Context, u User) ([]sroiapi.Policy, error) {
	out, err := get[struct{ Items []sroiapi.Policy }](ctx, p, u.call(Sroi, "/api/v1/policies", nil))
	return out.Items, err
}

// PublishPolicy publishes the next version of the region's social-return policy.
func (p *Portal) PublishPolicy(ctx context.Context, u User, key string, in sroiapi.PolicyInput) (sroiapi.Policy, error) {
	return post[sroiapi.Policy](ctx, p, u.call(Sroi, "/api/v1/policies", nil), key, in)
}

// Tables are the region's value tables (bouwblokken), each version with its worked examples.
func (p *Portal) Tables(ctx context.Context, u User) ([]sroiapi.Table, error) {
	out, err := get[struct{ Items []sroiapi.Table }](ctx, p, u.call(Sroi, "/api/v1/tables", nil))
	return out.Items, err
}

// PublishTable publishes a value table; the service takes it only when it values each of its
// worked examples as published.
func (p *Portal) PublishTable(ctx context.Context, u User, key string, in sroiapi.TableInput) (sroiapi.Table, error) {
	return post[sroiapi.Table](ctx, p, u.call(Sroi, "/api/v1/tables", nil), key, in)
}
