module github.com/werkregio/platform/services/payments

go 1.26.8

replace (
	github.com/werkregio/platform/contracts => ../../contracts
	github.com/werkregio/platform/services/kit => ../kit
)

require github.com/werkregio/platform/services/kit v0.0.0-00010101000000-000000000000

require golang.org/x/text v0.42.0
