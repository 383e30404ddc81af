// Package convert carries values between the domain's types and the shapes at the edges
// (the stored documents of the adapters, the generated wire types of the ports), keeping
// what JSON tells apart: a nil list stays nil (null), an empty one empty ([]).
package convert

// Each converts every element of in; nil stays nil.
func Each[F, T any](in []F, f func(F) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// Values converts every value of m, keeping its keys; nil stays nil.
func Values[K comparable, F, T any](m map[K]F, f func(F) T) map[K]T {
	if m == nil {
		return nil
	}
	out := make(map[K]T, len(m))
	for k, v := range m {
		out[k] = f(v)
	}
	return out
}

// Entries converts every key and value of m (keys of a named string type to another); nil stays nil.
func Entries[K1, K2 ~string, F, T any](m map[K1]F, f func(F) T) map[K2]T {
	if m == nil {
		return nil
	}
	out := make(map[K2]T, len(m))
	for k, v := range m {
		out[K2(k)] = f(v)
	}
	return out
}

// Pointer converts what p points at; nil stays nil.
func Pointer[F, T any](p *F, f func(F) T) *T {
	if p == nil {
		return nil
	}
	v := f(*p)
	return &v
}

// Ref is a pointer to v, for a field a wire type holds as optional that is always sent.
func Ref[T any](v T) *T { return &v }
