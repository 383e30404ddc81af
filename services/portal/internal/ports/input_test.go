package ports

import "testing"

func TestInputsOfForms(t *testing.T) {
	for in, want := range map[string]int64{"1250": 125000, "1250,5": 125050, "1.250,50": 125050, "1250.50": 125050, "€ 12,34": 1234} {
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
	// only the portal's own paths are where a sign-in returns to
	for in, want := range map[string]string{"/regio?jaar=2026": "/regio?jaar=2026", "//evil.example/x": "/", "https://evil.example": "/", "/\\evil": "/", "": "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q", in, got)
		}
	}
}
