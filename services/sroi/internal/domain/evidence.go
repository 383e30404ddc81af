package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/werkregio/platform/services/kit/rules"
)

// MaxEvidence is how many documents a declaration takes.
const MaxEvidence = 10

// EvidenceName is a document's file name as the buyer will see and save it: printable
// characters only, so no line break, tab or direction override can forge a header or
// disguise what the file is, and no path.
func EvidenceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	ok := name != "" && len(name) <= 200 && utf8.ValidString(name) && !strings.ContainsAny(name, `/\"`)
	for _, r := range name {
		ok = ok && unicode.IsPrint(r)
	}
	if !ok {
		return "", rules.Invalid("name", "give the document a file name of at most 200 printable characters, without slashes or quotes")
	}
	return name, nil
}

// AcceptsEvidence: documents support a declaration until it is decided; what was decided
// on stays what was decided on.
func (d *Declaration) AcceptsEvidence() error {
	if d.Status != DeclarationChecking && d.Status != DeclarationSubmitted {
		return rules.State("the declaration is %s: documents are added before a decision only", d.Status)
	}
	if len(d.Evidence) >= MaxEvidence {
		return rules.State("a declaration takes at most %d documents", MaxEvidence)
	}
	return nil
}

// evidenceMagic are the documents accepted, what contracts and invoices come as, by the bytes
// they begin with (their type is read from the content, never taken from the client).
var evidenceMagic = []struct{ prefix, typ string }{
	{"%PDF-", "application/pdf"},
	{"\x89PNG\r\n\x1a\n", "image/png"},
	{"\xff\xd8\xff", "image/jpeg"},
}

// EvidenceType is a document's media type, read from its first bytes: a PDF, PNG or JPEG.
func EvidenceType(content []byte) (string, error) {
	for _, m := range evidenceMagic {
		if strings.HasPrefix(string(content[:min(len(content), 16)]), m.prefix) {
			return m.typ, nil
		}
	}
	return "", rules.Invalid("content", "must be a PDF, PNG or JPEG document")
}
