// Package domain holds the procurement rules: Open House schemes with versioned product
// terms, provider applications checked against every requirement, contracts, and the
// tender calendar. No I/O happens here.
package domain

import (
	"errors"
)

// ErrForbidden means the caller's organisation does not own what it tries to change.
var ErrForbidden = errors.New("this belongs to another organisation")
