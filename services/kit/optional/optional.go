// Package optional moves between a value and the pointer an optional field of the generated
// wire types holds (contracts/events, contracts/openapi/<service>api): a field an event or a
// body leaves out is nil, and reads as the zero value.
package optional

// Of is v as an optional field: nil for the zero value, which the field then leaves out.
func Of[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// Value is what an optional field holds: its zero value when it was left out.
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
