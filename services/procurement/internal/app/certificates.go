package app

import (
	"context"

	"github.com/werkregio/platform/services/kit/civil"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/procurement/internal/domain"
)

// CertificatesChanged is the providers service's news that a provider's set of valid
// certificates changed (one expired, or one was renewed).
type CertificatesChanged struct {
	ProviderKvK string
	Region      string
	Valid       []string
}

// certificateCheck is the actor of suspensions and resumptions caused by certificates.
const certificateCheck = "system:certificate-check"

// ApplyProviderCertificates suspends or resumes the provider's contracts in force. It is
// idempotent: a redelivered event finds the contracts already in the right state.
func (s *Service) ApplyProviderCertificates(ctx context.Context, ev CertificatesChanged) error {
	return s.repo.EachAdmission(ctx, ev.Region, AdmissionFilter{ProviderKvK: ev.ProviderKvK}, func(listed *domain.Admission) error {
		return retry(ctx, func() error {
			adm, v, err := s.repo.LoadAdmission(ctx, listed.ID)
			if err != nil {
				return err
			}
			c, ok := adm.Current()
			if !ok {
				return nil
			}
			sch, _, err := s.repo.LoadScheme(ctx, adm.SchemeID)
			if err != nil {
				return err
			}
			now := s.now()
			outcome := c.CheckCertificates(requiredCertificates(sch, c, civil.DateOf(now)), ev.Valid, now, certificateCheck)
			var typ, reason string
			switch outcome {
			case domain.CertificatesSuspended:
				typ, reason = TypeContractSuspended, c.SuspendedReason
			case domain.CertificatesResumed:
				typ, reason = TypeContractResumed, "required certificates valid again"
			default:
				return nil
			}
			return s.repo.SaveAdmission(ctx, adm, commit.Outcome{Version: v, Events: []Event{{Type: typ, Key: c.ID, Subject: c.ID, Data: contractStatus(c, reason, now)}},
				Actor: commit.Actor{Subject: certificateCheck}, Action: "contract." + string(outcome)})
		})
	})
}

// requiredCertificates: those the terms in force today of the contract's products demand.
func requiredCertificates(sch *domain.Scheme, c *domain.Contract, today civil.Date) []string {
	var out []string
	for _, cp := range c.Products {
		p, ok := sch.Product(cp.ProductID)
		if !ok {
			continue
		}
		t, ok := p.TermsAt(today)
		if !ok {
			t = p.Terms[0]
		}
		out = append(out, t.RequiredCertificates...)
	}
	return out
}
