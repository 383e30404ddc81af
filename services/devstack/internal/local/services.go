package local

// service is one platform service run locally.
type service struct {
	Name string
	Pkg  string
	Port int
}

// services that exist so far; each gets the next port from the base port.
func services(basePort int) []service {
	list := []service{
		{Name: "procurement", Pkg: "github.com/werkregio/platform/services/procurement/cmd/procurement"},
	}
	for i := range list {
		list[i].Port = basePort + 1 + i
	}
	return list
}
