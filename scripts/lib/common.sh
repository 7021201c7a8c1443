# Shared helpers for the project's shell scripts. Source it; do not run it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT
# The mediasoup worker is built from the npm package's sources by build-mediasoup-worker.sh and
# cached outside the clone, keyed by mediasoup's version and the hash of the build patch.
MEDIASOUP_VERSION="$(sed -n 's/.*"mediasoup": *"\([0-9.]*\)".*/\1/p' "$REPO_ROOT/sfu-server/package.json")"
export MEDIASOUP_VERSION
_patch_hash="$(sha256sum "$REPO_ROOT/sfu-server/worker-build/system-libraries.patch" | cut -c1-12)"
export MEDIASOUP_WORKER_CACHE="${EHOP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ehop}/mediasoup-worker/$MEDIASOUP_VERSION-$_patch_hash"
# An explicit MEDIASOUP_WORKER_BIN wins (e.g. a worker built elsewhere).
export MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-$MEDIASOUP_WORKER_CACHE/mediasoup-worker}"
export DATA_DIR="${DATA_DIR:-$REPO_ROOT/data}"

log() { printf '\033[1;34m[ehop]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ehop]\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Secrets live in $DATA_DIR/secrets, readable by this user only; made once, kept across restarts.
SECRETS_DIR="$DATA_DIR/secrets"
export REDIS_PORT="${REDIS_PORT:-6379}"

# Prints the secret NAME, generating it first (64 hex digits from the kernel's CSPRNG) if missing.
ensure_secret() {
  local file="$SECRETS_DIR/$1"
  if [ ! -s "$file" ]; then
    (umask 077 && mkdir -p "$SECRETS_DIR" && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
  fi
  chmod 700 "$SECRETS_DIR" && chmod 600 "$file"
  cat "$file"
}

# Where signaling finds the project's Redis: its own ACL user, the password from $SECRETS_DIR.
project_redis_url() {
  printf 'redis://signaling:%s@127.0.0.1:%s' "$(ensure_secret redis-signaling.password)" "$REDIS_PORT"
}

# Where SFU nodes announce themselves when there are several (SFU_REDIS_URL): the `sfu` ACL user.
project_sfu_redis_url() {
  printf 'redis://sfu:%s@127.0.0.1:%s' "$(ensure_secret redis-sfu.password)" "$REDIS_PORT"
}
