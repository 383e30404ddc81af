package local

import (
	"regexp"
	"sync"

	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/werkregio/platform/contracts/messages"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/werkregio/platform/services/testenv/debian"
)

// A browser of the portal's tests: Debian's headless Chromium driven over the DevTools
// protocol (chromedp), installed with apt when the machine lacks it.

//go:embed testdata/axe/axe.min.js
var axeSource string

type browserSuite struct {
	t       *testing.T
	alloc   context.Context
	portal  string
	shots   string
	pages   int
	checked map[string]bool
}

func newBrowser(t *testing.T, portal string) *browserSuite {
	t.Helper()
	chromium, err := debian.Command("chromium", "chromium")
	if err != nil {
		t.Fatalf("no Chromium: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "nl-NL"))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	// the browser starts with its first context; each user gets a browser context of its own
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("Chromium does not start: %v", err)
	}
	shots := os.Getenv("PORTAL_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "werkregio-portal-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	return &browserSuite{t: t, alloc: root, portal: portal, shots: shots, checked: map[string]bool{}}
}

// user is one person's browser: its own cookies (a browser context of its own), signed in
// through the identity provider's page as a person does.
type user struct {
	b   *browserSuite
	t   *testing.T
	ctx context.Context
	id  string
}

// visitor is someone without an account, in a browser of their own.
func (b *browserSuite) visitor(t *testing.T, id string) *user {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.alloc, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: no tab: %v", id, err)
	}
	return &user{b: b, t: t, ctx: ctx, id: id}
}

func (b *browserSuite) signIn(t *testing.T, id string) *user {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.alloc, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// the tab opens with a first call without a deadline (its context is the tab's life);
	// every step after it has its own
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: no tab: %v", id, err)
	}
	u := &user{b: b, t: t, ctx: ctx, id: id}
	// The portal sends the browser on to the identity provider: its page is waited for by
	// asking the page (a wait on a node may hold on to the document the redirect replaced).
	u.run(chromedp.Navigate(b.portal + "/"))
	u.waitFor("Inloggen bij werkregio")
	u.run(chromedp.Click(`button[value="` + id + `"]`))
	u.waitFor("Welkom")
	return u
}

func (u *user) run(actions ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	// Each step has its own deadline, so a step that hangs fails in seconds, naming itself.
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		u.t.Fatalf("%s: %v (at %s)", u.id, err, u.location())
	}
}

func (u *user) location() string {
	ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// open goes to a path of the portal and waits until its page is there. The wait asks the
// page itself (a wait on a node may hold on to the document a navigation replaced).
func (u *user) open(path string) {
	u.t.Helper()
	u.run(chromedp.Navigate(u.b.portal + path))
	u.waitSel("h1")
}

// waitSel waits until the page has an element the CSS selector matches.
func (u *user) waitSel(sel string) {
	u.t.Helper()
	u.poll(fmt.Sprintf(`document.readyState === 'complete' && !!document.querySelector(%q)`, sel), sel)
}

// text is the visible text of the first element sel matches, asked of the page itself
// (a wait on a node may hold on to the document a form's answer replaced, and hang).
func (u *user) text(sel string) string {
	u.t.Helper()
	u.waitSel(sel)
	return strings.TrimSpace(eval[string](u, fmt.Sprintf(`document.querySelector(%q).innerText`, sel)))
}

// get runs one action and returns its value.
func get[T any](u *user, a chromedp.Action[T]) T {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		u.t.Fatalf("%s: %v (at %s)", u.id, err, u.location())
	}
	return v
}

// body is the page's visible text.
func (u *user) body() string {
	u.t.Helper()
	return get(u, chromedp.Evaluate[string](`document.body.innerText`))
}

func (u *user) html() string {
	u.t.Helper()
	return get(u, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// see fails unless the page shows every text.
func (u *user) see(texts ...string) {
	u.t.Helper()
	body := u.body()
	for _, want := range texts {
		if !strings.Contains(body, want) {
			u.t.Errorf("%s at %s does not show %q; it shows:\n%s", u.id, u.location(), want, clip(body, 1500))
		}
	}
}

func (u *user) dontSee(texts ...string) {
	u.t.Helper()
	body := u.body()
	for _, no := range texts {
		if strings.Contains(body, no) {
			u.t.Errorf("%s at %s shows %q, which it must not", u.id, u.location(), no)
		}
	}
}

// waitFor waits until the page's text holds want (after a form's post and redirect).
func (u *user) waitFor(want string) {
	u.t.Helper()
	u.poll(fmt.Sprintf(`!!document.body && document.body.innerText.includes(%q)`, want), want)
}

// poll asks the page until the expression is true; the page may be replaced while it is
// asked, which is asked again.
func (u *user) poll(js, what string) {
	u.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
		found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && found {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("%s: %q did not appear at %s (%v)\n%s", u.id, what, u.location(), err, clip(u.body(), 1500))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// eval runs JavaScript of the test in the page (not the portal's: it has none).
func eval[T any](u *user, js string) T {
	u.t.Helper()
	return get(u, chromedp.Evaluate[T](js))
}

// shot saves a full-page screenshot under name.png.
func (u *user) shot(name string) {
	u.t.Helper()
	png := get(u, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(u.b.shots, name+".png"), png, 0o644); err != nil {
		u.t.Fatal(err)
	}
}

// accessible runs axe-core (WCAG 2.0 and 2.1, A and AA) on the page and fails on a serious
// or critical violation, naming the rule and the elements.
func (u *user) accessible() {
	u.t.Helper()
	run := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => JSON.stringify({
		violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
		passes: r.passes.length}))`
	get(u, chromedp.Evaluate[bool](axeSource+"\n;true"))
	result := get(u, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	var r struct {
		Violations []struct {
			ID, Impact, Help string
			Nodes            []string
		}
		Passes int
	}
	if err := json.Unmarshal([]byte(result), &r); err != nil {
		u.t.Fatalf("axe: %v: %s", err, result)
	}
	for _, v := range r.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			u.t.Errorf("accessibility at %s: %s (%s): %s, e.g. %v", u.location(), v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	if r.Passes == 0 {
		u.t.Errorf("axe checked nothing at %s", u.location())
	}
	u.b.pages++
}

// check is what every screen gets: the accessibility check, no English of the services
// on it, and a screenshot.
func (u *user) check(name string) {
	u.t.Helper()
	u.accessible()
	u.inDutch()
	u.shot(name)
}

// englishOracle is every fixed stretch of the services' English rules and reasons (the
// catalogue's templates, between their parameters) long enough to be no Dutch by chance.
var englishOracle = sync.OnceValue(func() []string {
	// and the names of the steps of a declaration's value, which are labels, not rules
	out := []string{"yearly value for full time", "share of the invoice that counts", "hours at the hourly value", "months that count", "months planned", "permanent_contract"}
	for _, code := range messages.Codes() {
		for _, part := range regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`).Split(messages.English(code), -1) {
			part = strings.Trim(part, " .,:;()\"'")
			if len(part) >= 16 && strings.Count(part, " ") >= 2 {
				out = append(out, part)
			}
		}
	}
	return out
})

// inDutch fails on any stretch of a service's English shown on the page.
func (u *user) inDutch() {
	u.t.Helper()
	body := u.body()
	for _, en := range englishOracle() {
		if strings.Contains(body, en) {
			u.t.Errorf("%s at %s shows the services' English %q", u.id, u.location(), en)
		}
	}
}

// download clicks a link that saves a file and returns the file's bytes.
func (u *user) download(sel string) []byte {
	u.t.Helper()
	dir := u.t.TempDir()
	done := make(chan string, 1)
	err := chromedp.ListenBrowser(u.ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	})
	if err != nil {
		u.t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(u.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(u.ctx).BrowserContextID, DownloadPath: dir, EventsEnabled: &events}); err != nil {
		u.t.Fatal(err)
	}
	u.run(chromedp.Click(sel, chromedp.NodeVisible))
	select {
	case guid := <-done:
		b, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			u.t.Fatal(err)
		}
		return b
	case <-time.After(30 * time.Second):
		u.t.Fatalf("%s: no download from %s", u.id, sel)
		return nil
	}
}

// cookies are the browser's cookies for the portal (to play a forged request with them).
func (u *user) cookies() []*network.Cookie {
	u.t.Helper()
	res, err := chromedp.Call(u.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u.b.portal}})
	if err != nil {
		u.t.Fatal(err)
	}
	return res.Cookies
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
