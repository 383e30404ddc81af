package messaging_test

import (
	"strings"
	"testing"

	"github.com/werkregio/platform/services/kit/messaging"
)

// A consumer decodes an event and checks its region in one call: its own region's event
// decodes, another region's on its topic and malformed data are permanent (dead-lettered,
// never retried), and on a shared topic (no region) any region's event decodes.
func TestDecodeReadsAnEventAndRefusesAnotherRegions(t *testing.T) {
	type award struct {
		Region string `json:"region"`
		Cents  int64  `json:"cents"`
	}
	msg := func(data string) messaging.Message {
		return messaging.Message{Event: messaging.Event{Type: "x.awarded", Data: []byte(data)}}
	}
	if a, err := messaging.Decode[award](msg(`{"region":"groningen","cents":5}`), "groningen"); err != nil || a.Cents != 5 {
		t.Errorf("own region: %+v %v", a, err)
	}
	for name, data := range map[string]string{"another region": `{"region":"flevoland","cents":5}`, "malformed": `{"region":"groningen","cents":"five"}`} {
		if _, err := messaging.Decode[award](msg(data), "groningen"); err == nil || !messaging.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if a, err := messaging.Decode[award](msg(`{"region":"flevoland","cents":5}`), ""); err != nil || a.Region != "flevoland" {
		t.Errorf("shared topic: %+v %v", a, err)
	}
	if _, err := messaging.Decode[award](msg(`{"region":"flevoland"}`), "groningen"); err == nil || !strings.Contains(err.Error(), `"flevoland"`) {
		t.Errorf("the reason does not say whose it is: %v", err)
	}
}
