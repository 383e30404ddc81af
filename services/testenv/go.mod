module github.com/werkregio/platform/services/testenv

go 1.26.8
