module github.com/werkregio/platform/services/sroi

go 1.26.8

replace (
	github.com/werkregio/platform/contracts => ../../contracts
	github.com/werkregio/platform/services/kit => ../kit
	github.com/werkregio/platform/services/testenv => ../testenv
)

require github.com/werkregio/platform/services/kit v0.0.0-00010101000000-000000000000
