package demo

import "testing"

// The volume's BSNs pass the 11-proef and are all different: the service would refuse any other.
func TestVolumeBSNsPassTheElevenTestAndDiffer(t *testing.T) {
	seen := map[string]bool{}
	for i := range 20_000 {
		b := VolumeBSN(i)
		sum := 0
		for k, c := range b[:8] {
			sum += int(c-'0') * (9 - k)
		}
		if len(b) != 9 || (sum-int(b[8]-'0'))%11 != 0 || seen[b] {
			t.Fatalf("BSN %d: %s", i, b)
		}
		seen[b] = true
	}
}
