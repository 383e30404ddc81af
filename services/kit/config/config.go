// Package config reads service configuration from the environment and reports every
// problem at once, so an operator fixes a bad deployment in one round instead of many.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Env reads typed values from environment variables and collects errors.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// FromOS reads the process environment.
func FromOS() *Env { return &Env{lookup: os.LookupEnv} }

// FromMap reads a fixed map; tests and the local launcher use it.
func FromMap(m map[string]string) *Env {
	return &Env{lookup: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

// Fresh reads the same source with no errors recorded yet.
func (e *Env) Fresh() *Env { return &Env{lookup: e.lookup} }

func (e *Env) raw(name string) (string, bool) {
	v, ok := e.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (e *Env) fail(name, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

// String returns the value or def when unset.
func (e *Env) String(name, def string) string {
	if v, ok := e.raw(name); ok {
		return v
	}
	return def
}

// Required returns the value and records an error when it is unset.
func (e *Env) Required(name string) string {
	v, ok := e.raw(name)
	if !ok {
		e.fail(name, "is required")
	}
	return v
}

// OneOf returns the value, which must be one of allowed.
func (e *Env) OneOf(name, def string, allowed ...string) string {
	v := e.String(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	e.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	return def
}

// Int returns an integer within [min, max].
func (e *Env) Int(name string, def, min, max int) int {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.fail(name, "must be an integer, got %q", v)
		return def
	}
	if n < min || n > max {
		e.fail(name, "must be between %d and %d, got %d", min, max, n)
		return def
	}
	return n
}

// Float returns a float within [min, max].
func (e *Env) Float(name string, def, min, max float64) float64 {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < min || f > max {
		e.fail(name, "must be a number between %g and %g, got %q", min, max, v)
		return def
	}
	return f
}

// Bool returns a boolean (true/false/1/0).
func (e *Env) Bool(name string, def bool) bool {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, "must be true or false, got %q", v)
		return def
	}
	return b
}

// Duration returns a Go duration such as "250ms" or "5s".
func (e *Env) Duration(name string, def time.Duration) time.Duration {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		e.fail(name, "must be a positive duration like 5s, got %q", v)
		return def
	}
	return d
}

// List returns a comma separated list without empty items.
func (e *Env) List(name string, def []string) []string {
	v, ok := e.raw(name)
	if !ok {
		return def
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// URL returns an absolute URL or "" when unset and not required.
func (e *Env) URL(name, def string) string {
	v := e.String(name, def)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		e.fail(name, "must be an absolute URL, got %q", v)
	}
	return v
}

// Check records a custom validation error.
func (e *Env) Check(ok bool, name, format string, args ...any) {
	if !ok {
		e.fail(name, format, args...)
	}
}

// Err returns every problem found, or nil.
func (e *Env) Err() error {
	if len(e.errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n  %w", errors.Join(e.errs...))
}
