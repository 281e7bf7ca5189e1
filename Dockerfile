# syntax=docker/dockerfile:1
# The kubeposture image: one static binary, `audit`, on distroless/static as uid 65532.
#   docker build --build-arg VERSION=v0.1.0 -t ghcr.io/kubeposture/kubeposture:v0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 ...
# It is not built in this repository's CI (no Docker engine there); deploy/dockerfile_test.go
# runs this file's `go build` line with the same flags and checks that the binary is static.

# Base images are pinned by digest (a tag can be moved to other content; a digest cannot),
# each a multi-platform index. These are the digests other public projects pin for the same
# tags; they were not resolved against the registries when written (no registry access
# there). A digest names content only its repository's publisher could push, so a wrong one
# fails the build rather than builds from something else. The release process re-resolves
# them before building and commits any change:
#   docker buildx imagetools inspect golang:1.26 --format '{{json .Manifest.Digest}}'
#   docker buildx imagetools inspect gcr.io/distroless/static:nonroot --format '{{json .Manifest.Digest}}'
# deploy/dockerfile_test.go keeps every FROM pinned.

# Build stage: cross-compiles on the build machine's platform for the target's.
FROM --platform=$BUILDPLATFORM golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647 AS build
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
FROM gcr.io/distroless/static:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=build /out/audit /out/audit-imagescan /usr/local/bin/
USER 65532:65532
ENTRYPOINT ["audit"]
