#!/usr/bin/env bash
# ./llmc image --local-base: builds the base image here instead of pulling one (see ./llmc --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/.mvn/find-jdk.sh"
log() { printf '%s\n' "$*" >&2; }

# Writes a minimal Debian with a jlinked JRE in /opt/java/openjdk as a `docker save` tarball, which Jib takes as
# base image via tar://. Prints its path.
local_base_
local_base_image
