package civil

import "strings"

// CertificateType is the canonical name of a certificate or quality mark: upper case, one
// space between words. "vca ", "VCA" and "Vca" are one type wherever types are compared
// (a scheme's requirement, a provider's registry, an application).
func CertificateType(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
