package adapters

import "encoding/json"

// Domain values keep their JSON form in MongoDB (dates as YYYY-MM-DD), as the commit log does.
func bsonJSON(v any) (string, error) {
	raw, err := json.Marshal(v)
	return string(raw), err
}

func fromJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }
