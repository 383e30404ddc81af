package privacy

import "testing"

func TestRedactFindsABSNWhereverItIsWritten(t *testing.T) {
	cases := map[string]string{
		"at /name: '123456782' does not match pattern": "at /name: '[BSN]' does not match pattern",
		"bsn 123.456.782 and 111 22 2333":              "bsn [BSN] and [BSN]",
		"enrolment enr-123456782 is unknown":           "enrolment enr-[BSN] is unknown",
		"KvK 12345678, amount 123456789 cents":         "KvK 12345678, amount 123456789 cents", // 123456789 fails the 11-proef
		"a longer number 1234567820 stays":             "a longer number 1234567820 stays",
		"on 2026-12-01T10:00:00Z":                      "on 2026-12-01T10:00:00Z",
		"":                                             "",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
