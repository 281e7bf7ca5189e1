# syntax=docker/dockerfile:1
# The kubeposture image: one static binary, `audit`, on distroless/static as uid 65532.
#   docker build --build-arg VERSION=v0.1.0 -t ghcr.io/kubeposture/kubeposture:v0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 ...
# It is not built in this repository's CI (no Docker engine there); deploy/dockerfile_test.go
# runs this file's `go build` line with the same flags and checks that the binary is static.

# Build stage: cross-compiles on the build machine's platform for the target's.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=devel
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a static binary that needs no libc (distroless/static has none);
# -trimpath: no build machine paths in it; -s -w: no symbol table or DWARF;
# -X ...version: what `audit version` and every report's toolVersion say.
# audit-imagescan is the image scanner (Trivy) that `audit scan --scan-images` starts: a binary
# of its own, so that audit does not carry Trivy's weight.
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/audit-imagescan ./cmd/audit-imagescan
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w -X github.com/kubeposture/kubeposture.version=$VERSION" -o /out/audit ./cmd/audit

# Runtime stage: no shell, no package manager, CA certificates and /etc/passwd only;
# "nonroot" is uid/gid 65532, which deploy/base/cronjob.yaml also sets.
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/audit /out/audit-imagescan /usr/local/bin/
USER 65532:65532
ENTRYPOINT ["audit"]
