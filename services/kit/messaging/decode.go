package messaging

import (
	"encoding/json"
	"fmt"
)

// Decode reads an event's data into a T for a region's consumer. Data that is not a T, or
// that names another region than the consumer's (region; "" for a topic every region shares,
// where the signer says whose a message is), can never succeed: the error is permanent, so
// the message is dead-lettered with the reason instead of retried. The one place a consumer
// decodes an event and checks its region.
func Decode[T any](m Message, region string) (T, error) {
	var v T
	if err := json.Unmarshal(m.Data, &v); err != nil {
		return v, Permanent(fmt.Errorf("%s is not what its schema promises: %w", m.Type, err))
	}
	if region == "" {
		return v, nil
	}
	var head struct {
		Region *string `json:"region"`
	}
	_ = json.Unmarshal(m.Data, &head) // it decoded above
	if head.Region != nil && *head.Region != region {
		return v, Permanent(fmt.Errorf("%s of region %q reached the consumer of region %q", m.Type, *head.Region, region))
	}
	return v, nil
}
