package domain

import "testing"

// Evidence is what contracts and invoices come as, read from the content: a document that
// says it is a PDF but is HTML (a page that runs in the buyer's browser) is refused.
func TestEvidenceIsKnownByItsContent(t *testing.T) {
	for content, want := range map[string]string{
		"%PDF-1.7\n...":                "application/pdf",
		"\x89PNG\r\n\x1a\n\x00\x00":    "image/png",
		"\xff\xd8\xff\xe0\x00\x10JFIF": "image/jpeg",
		"<html><script>":               "",
		"":                             "",
		"%PD":                          "",
	} {
		got, err := EvidenceType([]byte(content))
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%q: %q, %v; want %q", content, got, err, want)
		}
	}
}
