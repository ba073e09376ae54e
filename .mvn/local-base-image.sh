#!/usr/bin/env bash
# ./llmc image --local-base: builds the base image here instead of pulling one (see ./llmc --help); prints its path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/.mvn/find-jdk.sh"
log() { printf '%s\n' "$*" >&2; }

# Writes a minimal Debian with a jlinked JRE in /opt/java/openjdk as a `docker save` tarball, which Jib takes as
# base image via tar://. Prints its path.
local_base_image() {
  local dir="$ROOT/target/image-base" jre
  local tarball="$dir/debian-bookworm-jre.tar"
  if [ -s "$tarball" ]; then
    printf '%s' "$tarball"
    return
  fi
  command -v debootstrap >/dev/null || { log "error: --local-base needs debootstrap (apt-get install debootstrap)"; exit 1; }
  [ "$(id -u)" = 0 ] || { log "error: --local-base needs root (debootstrap)"; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir/layer"
  log "debootstrap: minimal Debian bookworm ..."
  debootstrap --variant=minbase bookworm "$dir/rootfs" http://deb.debian.org/debian >"$dir/debootstrap.log" 2>&1 \
    || { log "error: debootstrap failed; see $dir/debootstrap.log"; exit 1; }
  # Package manager caches and docs are dead weight in an image that is never updated in place.
  rm -rf "$dir"/rootfs/var/cache/apt/* "$dir"/rootfs/var/lib/apt/lists/* "$dir"/rootfs/usr/share/{doc,man,info,locale}
  # The whole runtime but the development tools, rather than a guessed list: libraries load modules reflectively.
  log "jlink: JRE from $JAVA_HOME ..."
  jre="$dir/rootfs/opt/java/openjdk"
  mkdir -p "$(dirname "$jre")"
  local modules
  modules="$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' \
    | grep -v -x -e jdk.compiler -e jdk.javadoc -e jdk.jshell -e jdk.jlink -e jdk.jpackage -e jdk.jdeps -e jdk.hotspot.agent \
    | paste -sd, -)"
  # jlink writes its warnings (incubator modules) to stdout, which carries only the tarball path here.
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$jre" >&2
  # The distroless convention: 65532 is the unprivileged user the images run as.
  echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >>"$dir/rootfs/etc/passwd"
  echo 'nonroot:x:65532:' >>"$dir/rootfs/etc/group"
  mkdir -p "$dir/rootfs/home/nonroot" && chown 65532:65532 "$dir/rootfs/home/nonroot"
  tar -C "$dir/rootfs" --numeric-owner -cf "$dir/layer/layer.tar" .
  local diff_id config
  diff_id="sha256:$(sha256sum "$dir/layer/layer.tar" | cut -d' ' -f1)"
  config='{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java/openjdk"]},"rootfs":{"type":"layers","diff_ids":["'"$diff_id"'"]}}'
  printf '%s' "$config" >"$dir/layer/config.json"
  printf '[{"Config":"config.json","RepoTags":["llmc/base:debian-bookworm-jre"],"Layers":["layer.tar"]}]' >"$dir/layer/manifest.json"
  tar -C "$dir/layer" -cf "$tarball" manifest.json config.json layer.tar
  rm -rf "$dir/rootfs" "$dir/layer"
  printf '%s' "$tarball"
}

local_base_image
