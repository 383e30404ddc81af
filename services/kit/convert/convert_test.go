package convert_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/werkregio/platform/services/kit/convert"
)

// A converted list or map says in JSON what the original said: null stays null, empty stays empty.
func TestConvertingKeepsNullApartFromEmpty(t *testing.T) {
	type shape struct {
		List []string          `json:"list"`
		Map  map[string]string `json:"map"`
		Ptr  *string           `json:"ptr"`
	}
	itoa := strconv.Itoa
	for _, c := range []struct {
		list []int
		m    map[string]int
		p    *int
		want string
	}{
		{nil, nil, nil, `{"list":null,"map":null,"ptr":null}`},
		{[]int{}, map[string]int{}, convert.Ref(0), `{"list":[],"map":{},"ptr":"0"}`},
		{[]int{1, 2}, map[string]int{"a": 3}, convert.Ref(4), `{"list":["1","2"],"map":{"a":"3"},"ptr":"4"}`},
	} {
		got, _ := json.Marshal(shape{convert.Each(c.list, itoa), convert.Values(c.m, itoa), convert.Pointer(c.p, itoa)})
		if string(got) != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
	type kind string
	if got := convert.Entries[kind, string](map[kind]int{"x": 1}, itoa); got["x"] != "1" {
		t.Errorf("Entries = %v", got)
	}
}
