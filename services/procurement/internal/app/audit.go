package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// SchemeAudit pages who did what to a scheme, to whoever may see it.
func (s *Service) SchemeAudit(ctx context.Context, p auth.Principal, id string, page paging.Request) (paging.Page[commit.AuditEntry], error) {
	if _, err := s.GetScheme(ctx, p, id); err != nil {
		return paging.Page[commit.AuditEntry]{}, err
	}
	return s.repo.Audit(ctx, "scheme", id, page)
}

// TenderAudit pages who did what to a tender.
func (s *Service) TenderAudit(ctx context.Context, p auth.Principal, id string, page paging.Request) (paging.Page[commit.AuditEntry], error) {
	if _, err := s.GetTender(ctx, p, id); err != nil {
		return paging.Page[commit.AuditEntry]{}, err
	}
	return s.repo.Audit(ctx, "tender", id, page)
}

// ContractAudit pages who did what to a contract's admission: the applications and every
// status change of its contracts.
func (s *Service) ContractAudit(ctx context.Context, p auth.Principal, id string, page paging.Request) (paging.Page[commit.AuditEntry], error) {
	if _, err := s.GetContract(ctx, p, id); err != nil {
		return paging.Page[commit.AuditEntry]{}, err
	}
	admID, _ := domain.ParseContractID(id)
	return s.repo.Audit(ctx, "admission", admID, page)
}
