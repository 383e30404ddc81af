package civil

import "regexp"

var kvkPattern = regexp.MustCompile(`^[0-9]{8}$`)

// ValidKvK reports whether s is a Dutch chamber of commerce (KvK) number: 8 digits.
func ValidKvK(s string) bool { return kvkPattern.MatchString(s) }
