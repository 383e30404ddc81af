// Package traceview is the local trace viewer of `werkregio up`: an OTLP/HTTP receiver that
// keeps the newest traces in memory, Jaeger's query API over them (so tools and tests that
// speak to Jaeger work), and pages that show a trace as a waterfall across the services.
// Jaeger itself builds from the Go module proxy, but its browser UI is not part of the
// module (it is built with npm from another repository): this is the small equivalent.
package traceview

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// Span is one span as the viewer keeps it.
type Span struct {
	TraceID, SpanID, ParentID string
	Service, Name, Kind       string
	Start                     time.Time
	Duration                  time.Duration
	Attributes                []Attribute
	// Status is "error" when the span failed, with its message; otherwise "".
	Status, StatusMessage string
	Events                []SpanEvent
	Links                 []Link
}

// Attribute is a key and its value as text.
type Attribute struct{ Key, Value string }

// SpanEvent is an event in a span (an exception, a retry).
type SpanEvent struct {
	Time       time.Time
	Name       string
	Attributes []Attribute
}

// Link points at a span of another trace (a batch consumed from many messages).
type Link struct{ TraceID, SpanID string }

// Trace is the spans of one trace id, received so far.
type Trace struct {
	ID         string
	Spans      []*Span
	Start, End time.Time
}

// Services are the services that took part, in the order they first appear.
func (t *Trace) Services() []string {
	var out []string
	for _, s := range t.sorted() {
		if !slices.Contains(out, s.Service) {
			out = append(out, s.Service)
		}
	}
	return out
}

// Root is the span that started the trace (the earliest without a parent in the trace).
func (t *Trace) Root() *Span {
	ids := map[string]bool{}
	for _, s := range t.Spans {
		ids[s.SpanID] = true
	}
	for _, s := range t.sorted() {
		if s.ParentID == "" || !ids[s.ParentID] {
			return s
		}
	}
	return nil
}

// Errors counts the spans that failed.
func (t *Trace) Errors() int {
	n := 0
	for _, s := range t.Spans {
		if s.Status == "error" {
			n++
		}
	}
	return n
}

func (t *Trace) sorted() []*Span {
	out := slices.Clone(t.Spans)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Store keeps the newest traces up to a limit; the oldest received go first.
type Store struct {
	mu     sync.RWMutex
	max    int
	traces map[string]*Trace
	order  []string // trace ids in the order first received
}

// NewStore keeps at most max traces.
func NewStore(max int) *Store {
	return &Store{max: max, traces: map[string]*Trace{}}
}

// Add files spans under their traces.
func (s *Store) Add(spans []*Span) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sp := range spans {
		t := s.traces[sp.TraceID]
		if t == nil {
			t = &Trace{ID: sp.TraceID, Start: sp.Start, End: sp.Start.Add(sp.Duration)}
			s.traces[sp.TraceID] = t
			s.order = append(s.order, sp.TraceID)
		}
		t.Spans = append(t.Spans, sp)
		if sp.Start.Before(t.Start) {
			t.Start = sp.Start
		}
		if end := sp.Start.Add(sp.Duration); end.After(t.End) {
			t.End = end
		}
	}
	for len(s.order) > s.max {
		delete(s.traces, s.order[0])
		s.order = s.order[1:]
	}
}

// Services are the names of every service that sent spans, sorted.
func (s *Store) Services() []string {
	return s.distinct(func(sp *Span) (string, bool) { return sp.Service, true })
}

// Operations are the span names of a service, sorted.
func (s *Store) Operations(service string) []string {
	return s.distinct(func(sp *Span) (string, bool) { return sp.Name, sp.Service == service })
}

// distinct are the sorted values of every span that has one.
func (s *Store) distinct(value func(*Span) (string, bool)) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	for _, t := range s.traces {
		for _, sp := range t.Spans {
			if v, ok := value(sp); ok {
				seen[v] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Query selects traces: with a span of the service (and of the operation), newest first.
type Query struct {
	Service, Operation string
	// MinServices keeps traces that crossed at least this many services.
	MinServices int
	Limit       int
}

// Find returns copies of the traces the query selects.
func (s *Store) Find(q Query) []*Trace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*Trace
	for _, t := range s.traces {
		if q.matches(t) {
			out = append(out, copyOf(t))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.After(out[j].Start) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

func (q Query) matches(t *Trace) bool {
	found := q.Service == ""
	services := map[string]bool{}
	for _, sp := range t.Spans {
		services[sp.Service] = true
		if (q.Service == "" || sp.Service == q.Service) && (q.Operation == "" || sp.Name == q.Operation) {
			found = true
		}
	}
	return found && len(services) >= q.MinServices
}

// Trace is a copy of one trace, or nil.
func (s *Store) Trace(id string) *Trace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t := s.traces[id]; t != nil {
		return copyOf(t)
	}
	return nil
}

func copyOf(t *Trace) *Trace {
	c := *t
	c.Spans = slices.Clone(t.Spans)
	return &c
}
