#!/usr/bin/env bash
# Refreshes the README's pictures: runs the web console's browser tests (through ./test.sh, so with the same
# packages and services) with their screenshots pointed at docs/screenshots instead of the test binary's folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LIGHTSHIELD_SCREENSHOTS="$root/docs/screenshots"
exec "$root/test.sh" --filter "FullyQualifiedName~Lightshield.Center.Tests.Console" "$@"
