# syntax=docker/dockerfile:1

# Marrakech Graph: a static binary on a distroless, non-root base.
#
#   docker build -t marrakechgraph .
#   docker run --rm -p 8080:8080 -v marrakechgraph-data:/data marrakechgraph
#
# The image has no shell, so it carries no HEALTHCHECK: orchestrators probe
# GET /readyz (the store can serve) and GET /healthz (the process is up).

# The Go release of go.mod's `go` line: the image's GOTOOLCHAIN=local refuses
# an older one. Bump both together.
ARG GO_VERSION=1.26.8

# Build on the builder's own platform and cross-compile to the target's
# (Go needs no emulation for that), so multi-arch builds stay fast.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src

# Modules first, in their own layer: reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/marrakechgraph . \
 && mkdir -p /out/data

# distroless/static: CA certificates (for neo4j+s://), tzdata, /etc/passwd with
# the nonroot user (65532), and nothing else: no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="marrakechgraph" \
      org.opencontainers.image.description="GraphQL API over the knowledge graph of GANHRI's Global Action Plan on human rights defenders and the Marrakech Declaration"

COPY --from=build /out/marrakechgraph /marrakechgraph
# The embedded store's folder, owned by the runtime user. A named volume
# mounted here starts with this ownership; a bind mount must be writable by
# UID 65532.
COPY --from=build --chown=65532:65532 /out/data /data

ENV ADDR=:8080 \
    DATA_DIR=/data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/marrakechgraph"]
