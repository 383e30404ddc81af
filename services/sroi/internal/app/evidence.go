package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/werkregio/platform/services/kit/auth"
	"github.com/werkregio/platform/services/kit/commit"
	"github.com/werkregio/platform/services/kit/optimistic"
	"github.com/werkregio/platform/services/kit/rules"
	"github.com/werkregio/platform/services/sroi/internal/domain"
)

// MaxEvidenceBytes is the largest document a declaration takes (a scanned contract).
const MaxEvidenceBytes = 10 << 20

// AddEvidence attaches a document to a declaration of the contractor. The type is sniffed
// from the content, not taken from the client.
func (s *Service) AddEvidence(ctx context.Context, p auth.Principal, id, name string, content []byte) (*domain.Declaration, error) {
	name, err := domain.EvidenceName(name)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 || len(content) > MaxEvidenceBytes {
		return nil, rules.Invalid("content", "a document of 1 byte to 10 MB")
	}
	typ, err := domain.EvidenceType(content)
	if err != nil {
		return nil, err
	}
	var out *domain.Declaration
	err = optimistic.Retry(ctx, func() error {
		d, err := s.loadVisible(ctx, p, id)
		if err != nil {
			return err
		}
		if !p.Has(auth.RoleContractor) || p.Org != d.ContractorKvK {
			return rules.Forbid("only the declaring contractor attaches evidence")
		}
		if err := d.AcceptsEvidence(); err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		ev := domain.Evidence{ID: "evd-" + hex.EncodeToString(sum[:8]), Name: name, ContentType: typ, Bytes: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), AddedBy: p.Actor().Subject, AddedAt: s.now().UTC()}
		for _, e := range d.Evidence {
			if e.SHA256 == ev.SHA256 {
				out = d
				return nil // the same document again
			}
		}
		// the content first: a declaration never names a document that is not stored
		if err := s.Evidence.Put(ctx, d.ID+"/"+ev.ID, content); err != nil {
			return err
		}
		d.Evidence = append(d.Evidence, ev)
		d.UpdatedAt = s.now().UTC()
		out = d
		return s.Repo.SaveDeclaration(ctx, d, commit.Outcome{Actor: actorOf(p), Action: "declaration.evidence-added"})
	})
	if err != nil {
		return nil, err
	}
	return shownTo(p, out), nil
}

// GetEvidence is a document of a declaration the caller may see.
func (s *Service) GetEvidence(ctx context.Context, p auth.Principal, id, evidenceID string) (domain.Evidence, []byte, error) {
	d, err := s.loadVisible(ctx, p, id)
	if err != nil {
		return domain.Evidence{}, nil, err
	}
	for _, e := range d.Evidence {
		if e.ID == evidenceID {
			b, err := s.Evidence.Get(ctx, d.ID+"/"+e.ID)
			return e, b, err
		}
	}
	return domain.Evidence{}, nil, rules.ErrNotFound
}
