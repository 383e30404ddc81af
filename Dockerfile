# Build any werkregio image with Docker where a daemon is available (ko builds them without
# one: go run ./services/devstack/cmd/werkregio images). MAIN is the main package:
#
#   docker build --build-arg MAIN=./services/procurement/cmd/procurement   -t werkregio/procurement .
#   docker build --build-arg MAIN=./services/providers/cmd/providers       -t werkregio/providers .
#   docker build --build-arg MAIN=./services/participants/cmd/participants -t werkregio/participants .
#   docker build --build-arg MAIN=./operators/region-operator/cmd          -t werkregio/region-operator .
FROM golang:1.26 AS build
ARG MAIN
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    test -n "$MAIN" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app "$MAIN"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
