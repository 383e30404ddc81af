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
