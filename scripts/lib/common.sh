# Shared helpers for the project's shell scripts. Source it; do not run it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT
# The mediasoup worker comes from Debian's package, unpacked inside the project (see install-mediasoup-worker.sh).
export MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-$REPO_ROOT/vendor/mediasoup-worker/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker}"
export DATA_DIR="${DATA_DIR:-$REPO_ROOT/data}"

log() { printf '\033[1;34m[ehop]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ehop]\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
