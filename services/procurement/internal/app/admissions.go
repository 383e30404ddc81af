package app

import (
	"context"
	"errors"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/paging"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// Apply submits a provider's application. The outcome is decided at once: a contract when
// every requirement is met, otherwise a rejection with every failed requirement.
func (s *Service) Apply(ctx context.Context, p auth.Principal, schemeID string, in domain.ApplicationInput) (*domain.Application, *domain.Contract, error) {
	if !p.Has(auth.RoleProvider) || !civil.ValidKvK(p.Org) {
		return nil, nil, forbid("only a provider (with its KvK number as organisation) can apply")
	}
	sch, _, err := s.repo.LoadScheme(ctx, schemeID)
	if err != nil {
		return nil, nil, err
	}
	if !canSeeScheme(p, sch) {
		return nil, nil, ErrNotFound
	}
	var app *domain.Application
	var contract *domain.Contract
	err = retry(ctx, func() error {
		adm, v, err := s.repo.LoadAdmission(ctx, domain.AdmissionID(sch.ID, p.Org))
		if errors.Is(err, ErrNotFound) {
			adm, v, err = domain.NewAdmission(sch, p.Org), 0, nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		app, err = adm.Apply(sch, in, now, p.Subject)
		if err != nil {
			return err
		}
		var events []Event
		switch app.Status {
		case domain.ApplicationInReview:
			contract = nil // the buyer decides (DecideApplication)
		case domain.ApplicationRejected:
			events = append(events, Event{Type: TypeApplicationRejected, Key: adm.ID, Subject: app.ID, Data: applicationRejected(app, sch, adm.ProviderKvK, now)})
			contract = nil
		default:
			contract, _ = adm.Contract(app.ContractID)
			typ := TypeContractAwarded
			if app.Extension {
				typ = TypeContractExtended
			}
			events = append(events, Event{Type: typ, Key: contract.ID, Subject: contract.ID, Data: contractAwarded(sch, contract)})
		}
		return s.repo.SaveAdmission(ctx, adm, commit.Outcome{Version: v, Events: events, Actor: p.Actor(), Action: "application." + string(app.Status)})
	})
	if err != nil {
		return nil, nil, err
	}
	return app, contract, nil
}

// DecideApplication records the scheme's buyer's judgement of an application in review:
// accepted with a contract (contract.awarded) when every assessed requirement is met,
// otherwise rejected with the buyer's reasons (application.rejected).
func (s *Service) DecideApplication(ctx context.Context, p auth.Principal, id string, assessments []domain.Assessment) (*domain.Application, *domain.Contract, error) {
	admID, ok := domain.ParseApplicationID(id)
	if !ok {
		return nil, nil, ErrNotFound
	}
	var app *domain.Application
	var contract *domain.Contract
	err := retry(ctx, func() error {
		adm, v, err := s.repo.LoadAdmission(ctx, admID)
		if err != nil {
			return err
		}
		if _, ok := adm.Application(id); !ok || !canSeeAdmission(p, adm) {
			return ErrNotFound
		}
		if !isBuyerOf(p, adm.Buyer) {
			return forbid("only the scheme's buyer decides its applications")
		}
		sch, _, err := s.repo.LoadScheme(ctx, adm.SchemeID)
		if err != nil {
			return err
		}
		now := s.now()
		app, contract, err = adm.Decide(sch, id, assessments, now, p.Subject)
		if err != nil {
			return err
		}
		var events []Event
		if contract != nil {
			events = append(events, Event{Type: TypeContractAwarded, Key: contract.ID, Subject: contract.ID, Data: contractAwarded(sch, contract)})
		} else {
			events = append(events, Event{Type: TypeApplicationRejected, Key: adm.ID, Subject: app.ID, Data: applicationRejected(app, sch, adm.ProviderKvK, now)})
		}
		return s.repo.SaveAdmission(ctx, adm, commit.Outcome{Version: v, Events: events, Actor: p.Actor(), Action: "application.decided." + string(app.Status)})
	})
	if err != nil {
		return nil, nil, err
	}
	return app, contract, nil
}

// canSeeAdmission: the provider itself, every buyer of the region (buyers of one region buy
// together and follow each other's schemes), and regional oversight.
func canSeeAdmission(p auth.Principal, a *domain.Admission) bool {
	if a.Region != p.Region {
		return false
	}
	return (p.Has(auth.RoleProvider) && p.Org == a.ProviderKvK) || p.Has(auth.RoleBuyer) || regionalOversight(p)
}

// ListApplications returns the applications of a page of the admissions the caller may see.
func (s *Service) ListApplications(ctx context.Context, p auth.Principal, f AdmissionFilter, page paging.Request) (paging.Page[domain.Application], error) {
	adms, err := s.visibleAdmissions(ctx, p, f, page)
	out := paging.Page[domain.Application]{Items: []domain.Application{}, Next: adms.Next}
	for _, a := range adms.Items {
		out.Items = append(out.Items, a.Applications...)
	}
	return out, err
}

// ListContracts returns the contracts of a page of the admissions the caller may see,
// optionally by status.
func (s *Service) ListContracts(ctx context.Context, p auth.Principal, f AdmissionFilter, page paging.Request) (paging.Page[domain.Contract], error) {
	adms, err := s.visibleAdmissions(ctx, p, f, page)
	out := paging.Page[domain.Contract]{Items: []domain.Contract{}, Next: adms.Next}
	for _, a := range adms.Items {
		for _, c := range a.Contracts {
			if f.ContractStatus == "" || c.Status == f.ContractStatus {
				out.Items = append(out.Items, c)
			}
		}
	}
	return out, err
}

// visibleAdmissions: a provider sees only its own (read from its index); buyers and
// regional oversight see the region's; other roles none.
func (s *Service) visibleAdmissions(ctx context.Context, p auth.Principal, f AdmissionFilter, page paging.Request) (paging.Page[domain.Admission], error) {
	if !p.Has(auth.RoleBuyer) && !regionalOversight(p) {
		if !p.Has(auth.RoleProvider) || (f.ProviderKvK != "" && f.ProviderKvK != p.Org) {
			return paging.Page[domain.Admission]{}, nil
		}
		f.ProviderKvK = p.Org
	}
	return s.repo.ListAdmissions(ctx, p.Region, f, page)
}

// GetContract returns one contract the caller may see. Its ETag is its admission's
// version: a change of the contract is a change of the admission.
func (s *Service) GetContract(ctx context.Context, p auth.Principal, id string) (*domain.Contract, error) {
	return admissionPart(ctx, s, p, id, domain.ParseContractID, (*domain.Admission).Contract)
}

// GetApplication returns one application the caller may see, with its outcome.
func (s *Service) GetApplication(ctx context.Context, p auth.Principal, id string) (*domain.Application, error) {
	return admissionPart(ctx, s, p, id, domain.ParseApplicationID, (*domain.Admission).Application)
}

// admissionPart finds a contract or application by its id (which names its admission),
// for a caller who may see the admission, with the admission's version as its own.
func admissionPart[T any, PT interface {
	*T
	SetStoreVersion(int)
}](ctx context.Context, s *Service, p auth.Principal, id string, admissionOf func(string) (string, bool), part func(*domain.Admission, string) (PT, bool)) (PT, error) {
	admID, ok := admissionOf(id)
	if !ok {
		return nil, ErrNotFound
	}
	adm, _, err := s.repo.LoadAdmission(ctx, admID)
	if err != nil {
		return nil, err
	}
	v, ok := part(adm, id)
	if !ok || !canSeeAdmission(p, adm) {
		return nil, ErrNotFound
	}
	v.SetStoreVersion(adm.CurrentVersion())
	return v, nil
}

// ContractAction is a status change on a contract.
type ContractAction string

const (
	ActionSuspend  ContractAction = "suspend"
	ActionResume   ContractAction = "resume"
	ActionEnd      ContractAction = "end"
	ActionWithdraw ContractAction = "withdraw"
)

// ChangeContract suspends, resumes or ends a contract (buyer), or withdraws (provider).
func (s *Service) ChangeContract(ctx context.Context, p auth.Principal, id string, action ContractAction, reason string) (*domain.Contract, error) {
	admID, ok := domain.ParseContractID(id)
	if !ok {
		return nil, ErrNotFound
	}
	var out *domain.Contract
	err := retry(ctx, func() error {
		adm, v, err := s.repo.LoadAdmission(ctx, admID)
		if err != nil {
			return err
		}
		c, ok := adm.Contract(id)
		if !ok || !canSeeAdmission(p, adm) {
			return ErrNotFound
		}
		now := s.now()
		var typ string
		switch action {
		case ActionWithdraw:
			if !p.Has(auth.RoleProvider) || p.Org != c.ProviderKvK {
				return forbid("only the contracted provider can withdraw")
			}
			reason, typ, err = domain.EndWithdrawn, TypeContractEnded, c.End(domain.EndWithdrawn, now, p.Subject)
		case ActionSuspend, ActionResume, ActionEnd:
			if !isBuyerOf(p, c.Buyer) {
				return forbid("only the scheme's buyer can " + string(action) + " a contract")
			}
			switch action {
			case ActionSuspend:
				typ, err = TypeContractSuspended, c.Suspend(reason, now, p.Subject)
			case ActionResume:
				typ, err = TypeContractResumed, c.Resume(now, p.Subject)
			default:
				if reason == "" {
					reason = domain.EndTerminated
				}
				typ, err = TypeContractEnded, c.End(reason, now, p.Subject)
			}
		default:
			return forbid("unknown action " + string(action))
		}
		if err != nil {
			return err
		}
		out = c
		if err := s.repo.SaveAdmission(ctx, adm, commit.Outcome{Version: v, Events: []Event{{Type: typ, Key: c.ID, Subject: c.ID, Data: contractStatus(c, reason, now)}},
			Actor: p.Actor(), Action: "contract." + string(action)}); err != nil {
			return err
		}
		c.SetStoreVersion(adm.CurrentVersion()) // a contract's version is its admission's
		return nil
	})
	return out, err
}
