#!/usr/bin/env bash
# Builds samlgo and samlgo-credential-process for the six targets into
# dist/: one archive per target (tar.gz; zip for Windows) holding both
# programs, README.md and config.toml.example, and a SHA-256 checksum file.
# Offline and reproducible: the same commit gives the same bytes (no
# build paths, no timestamps but the commit's, sorted entries).
#
# goreleaser is the usual tool; it is not in Debian and would be one more
# program to fetch and trust for what these lines do, so samlgo does not
# use it. Usage: scripts/release.sh VERSION (make release passes it).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
version=${1:?usage: scripts/release.sh VERSION}
targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
ldflags="-s -w -buildid= -X github.com/samlgo/samlgo/cli/version.Version=$version"

rm -rf dist
mkdir -p dist
for t in $targets; do
  os=${t%/*} arch=${t#*/} ext=""
  [ "$os" = windows ] && ext=.exe
  name=samlgo_${version}_${os}_${arch}
  dir=dist/$name
  mkdir -p "$dir"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch $GO build -trimpath -ldflags "$ldflags" -o "$dir/samlgo$ext" ./cmd/samlgo
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch $GO build -trimpath -ldflags "-s -w -buildid=" -o "$dir/samlgo-credential-process$ext" ./cmd/samlgo-credential-process
  cp README.md config.toml.example "$dir/"
  touch -d "@$epoch" "$dir" "$dir"/*
  if [ "$os" = windows ]; then
    (cd dist && find "$name" | LC_ALL=C sort | TZ=UTC zip -X -q -D "$name.zip" -@)
  else
    tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C dist -cf - "$name" | gzip -n -9 >"dist/$name.tar.gz"
  fi
  rm -rf "$dir"
done
(cd dist && sha256sum samlgo_* >"samlgo_${version}_checksums.txt")
ls -l dist | awk 'NR>1 {printf "%10d  %s\n", $5, $9}'
