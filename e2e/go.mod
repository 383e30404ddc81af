module github.com/werkregio/platform/e2e

go 1.26.8
