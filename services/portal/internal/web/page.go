// Package web renders the portal's pages: one layout and a small set of accessible parts
// (tables with filters and pages, facts, forms, charts, notices) that every screen is built
// from, so every screen looks, reads and behaves the same for sighted users, keyboard users
// and screen readers (WCAG 2.1 AA).
package web

import "html/template"

// Page is one screen.
type Page struct {
	Title string
	// Lead is the first paragraph: what this screen is for.
	Lead   string
	Crumbs []Link
	// Notice confirms what the last form did (announced to screen readers).
	Notice string
	// Problem says what went wrong, and how to go on.
	Problem *Problem
	Blocks  []Block

	// Filled in by the portal for every page.
	Chrome Chrome
}

// Chrome is what surrounds every page: who is signed in and where they can go.
type Chrome struct {
	Region   string
	User     string
	Role     string
	Org      string
	Nav      []Link
	Current  string // the path of the page, to mark its menu item
	CSRF     string
	SignedIn bool
}

// Link is a labelled URL.
type Link struct {
	Label string
	Href  string
	// Download names the file a link saves.
	Download bool
}

// Problem is an error shown on a page.
type Problem struct {
	Title  string
	Detail string
	Fields []string
}

// Block is one section of a page; the parts set are shown in this order.
type Block struct {
	Heading string
	ID      string
	Text    string
	Stats   []Stat
	Facts   []Fact
	Chart   template.HTML
	Table   *Table
	Form    *Form
	Links   []Link
}

// Stat is a key figure.
type Stat struct {
	Label, Value, Note string
	Tone               string // "", "good", "warn", "bad"
}

// Fact is a term and its value in a description list.
type Fact struct {
	Term  string
	Value string
	Href  string
	Tone  string
}

// Table is a list with its filters and paging.
type Table struct {
	Caption string
	Columns []Column
	Rows    []Row
	// Empty is said when there are no rows.
	Empty   string
	Filters *Form
	// Next and First link to the next and first page (the URL of the page with the cursor).
	Next, First string
	Downloads   []Link
}

// Column is a table heading; numbers are aligned right.
type Column struct {
	Label   string
	Numeric bool
}

// Row is one line; Tone marks it (e.g. "warn" for a suspended contract) with its Note
// saying why, so the mark is never colour alone.
type Row struct {
	Cells []Cell
	Tone  string
	Note  string
}

// Cell is one value: text, a link, a status badge or an action.
type Cell struct {
	Text  string
	Href  string
	Badge string // status tone: the text is shown in a badge
	Lines []string
	Form  *Form
}

// Form is a form or a single action button; every form posts with the session's CSRF
// token and its own idempotency key.
type Form struct {
	Action string
	// Get forms (filters) change the URL, so the result can be bookmarked and reloaded.
	Get bool
	// Upload forms send a file (multipart/form-data).
	Upload bool
	Submit string
	// SubmitName is the button's full accessible name when many buttons share the text
	// (each row's "Goedkeuren"); it starts with the visible text (WCAG 2.5.3).
	SubmitName string
	Fields     []Field
	// Key is the idempotency key of this form: sent twice, it acts once.
	Key    string
	Hidden map[string]string
	Inline bool
	// Reset links to the form's page without its values (filters).
	Reset string
	// CSRF is set by the renderer from the session.
	CSRF string
}

// Field is one input with its label, hint and error.
type Field struct {
	Name, Label  string
	Type         string // text (default), number, date, select, textarea, hidden, checkboxes, file, honeypot (unseen; a bot fills it)
	Value        string
	Options      []Option
	Required     bool
	Hint         string
	Error        string
	Min, Max     string
	Step         string
	Pattern      string
	Autocomplete string
	// Accept lists the file types a file field takes.
	Accept string
}

// Option of a select.
type Option struct {
	Value, Label string
}
