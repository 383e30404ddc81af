package local

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// An attacker who copied a session cookie (a shared computer, a proxy's log) opens nothing
// with it once its user signed out: the session ends on the server, not only in the
// browser. Signed in through the local identity provider as a provider would be.
func TestACopiedSessionCookieOpensNothingAfterSignOut(t *testing.T) {
	r := platform(t)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(c *http.Client, u string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	// the sign-in page of the identity provider, and the one click of the demo user
	_, page := get(browser, r.Portal+"/aanmelden?terug=/betalingen")
	form := url.Values{}
	for _, m := range regexp.MustCompile(`type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], strings.NewReplacer("&amp;", "&", "&#43;", "+").Replace(m[2]))
	}
	form.Set("user", "opleider@groningen")
	resp, err := browser.PostForm(r.SignIn+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/betalingen" {
		t.Fatalf("signed in: %d at %s: %s", resp.StatusCode, resp.Request.URL, regexp.MustCompile(`<h1[^>]*>[^<]*</h1>\s*(<p[^>]*>[^<]*)?`).Find(body))
	}
	portal, _ := url.Parse(r.Portal)
	copied := jar.Cookies(portal)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))
	if len(copied) == 0 || csrf == nil {
		t.Fatalf("no session cookie or form token: %v", copied)
	}

	out, err := browser.PostForm(r.Portal+"/afmelden", url.Values{"csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	if out.Request.URL.Path != "/afgemeld" {
		t.Fatalf("signed out at %s", out.Request.URL)
	}

	attacker := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", r.Portal+"/betalingen", nil)
	for _, c := range copied {
		req.AddCookie(c)
	}
	resp, err = attacker.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/aanmelden") {
		t.Fatalf("the copied cookie after sign-out: %d to %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}
