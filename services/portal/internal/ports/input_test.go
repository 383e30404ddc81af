package ports

import "testing"

func TestInputsOfForms(t *testing.T) {
	for in, want := range map[string]int64{"1250": 125000, "1250,5": 125050, "1.250,50": 125050, "1250.50": 125050, "€ 12,34": 1234,
		"2.400.000": 240000000, "50.000": 5000000, "1.250": 125000, "12.5": 1250} {
		if got, ok := parseEuro(in); !ok || got != want {
			t.Errorf("parseEuro(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "abc", "1,234", "-5", "0"} {
		if _, ok := parseEuro(bad); ok {
			t.Errorf("parseEuro(%q) accepted", bad)
		}
	}
	if !validBSN("111222333") || !validBSN("123456782") || validBSN("123456789") || validBSN("000000000") || validBSN("12345") {
		t.Error("elfproef")
	}
	// only the portal's own paths are where a sign-in returns to: the known bypasses of a
	// return path (OWASP's open-redirect list) all go to the start page
	for in, want := range map[string]string{"/regio?jaar=2026": "/regio?jaar=2026", "/financien/betaalruns/run-1#x": "/financien/betaalruns/run-1#x",
		"//evil.example/x": "/", "https://evil.example": "/", "/\\evil": "/", "": "/", "/\t/evil.example/phish": "/", "/\n/evil.example": "/",
		"/\r//evil.example": "/", "\t//evil.example": "/", " //evil.example": "/", "/\\/evil.example": "/", "\\\\evil.example": "/",
		"///evil.example": "/", "/%5Cevil.example": "/", "/%2F/evil.example": "/", "/%2f%2fevil.example": "/", "/%09/evil.example": "/",
		"https:evil.example": "/", "javascript:alert(1)": "/", "/\x00/evil.example": "/", "/\x7f/evil.example": "/", "/\u0085/evil.example": "/",
		"/@evil.example": "/@evil.example", "/.evil.example": "/.evil.example"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
