package adapters

// DeadLetter is a message a service could not accept, as its administrators see it.
type DeadLetter struct {
	ID      string `json:"id"`
	Topic   string `json:"topic"`
	EventID string `json:"eventId"`
	Type    string `json:"type"`
	Source  string `json:"source"`
	Reason  string `json:"reason"`
	At      string `json:"at"`
	Times   int    `json:"times"`
	Replays int    `json:"replays"`
}

// ReplayOutcome is what a replay of dead letters did.
type ReplayOutcome struct {
	Replayed []string `json:"replayed"`
	Refused  []struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"refused"`
	Failed []struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"failed"`
	Open int `json:"open"`
}
