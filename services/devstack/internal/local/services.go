package local

// service is one platform service run locally.
type service struct {
	Name string
	Pkg  string
	Port int
	// Env is what this service needs beyond the shared settings.
	Env func(s secrets) []string
}

// secrets the local platform generates once and keeps in its data directory.
type secrets struct {
	BSNEncryptionKey, BSNLookupKey string
}

// services that exist so far; each gets the next port from the base port.
func services(basePort int) []service {
	list := []service{
		{Name: "procurement", Pkg: "github.com/werkregio/platform/services/procurement/cmd/procurement"},
		{Name: "providers", Pkg: "github.com/werkregio/platform/services/providers/cmd/providers"},
		{Name: "participants", Pkg: "github.com/werkregio/platform/services/participants/cmd/participants",
			Env: func(s secrets) []string {
				return []string{"BSN_ENCRYPTION_KEY=" + s.BSNEncryptionKey, "BSN_LOOKUP_KEY=" + s.BSNLookupKey}
			}},
	}
	for i := range list {
		list[i].Port = basePort + 1 + i
	}
	return list
}
