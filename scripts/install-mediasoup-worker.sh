#!/usr/bin/env bash
# Fetches Debian experimental's prebuilt mediasoup-worker (3.8.4) and unpacks it into vendor/,
# without touching the system's apt configuration. npm's mediasoup cannot build its worker offline.
source "$(dirname "$0")/lib/common.sh"

WORKER_VERSION_PREFIX="3.8.4"
TARGET="$REPO_ROOT/vendor/mediasoup-worker"

if [ -x "$MEDIASOUP_WORKER_BIN" ]; then
  log "mediasoup-worker present: $MEDIASOUP_WORKER_BIN"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
cat > "$work/experimental.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: experimental
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC

apt_opts=(
  -o "Dir::Etc::SourceList=$work/experimental.sources"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache::Archives=$work/archives"
  -o "APT::Sandbox::User=root"
)
log "Fetching mediasoup-worker from Debian experimental"
apt-get "${apt_opts[@]}" update -qq
(cd "$work" && apt-get "${apt_opts[@]}" download mediasoup-worker -qq)
deb="$(ls "$work"/mediasoup-worker_*.deb)"
case "$(basename "$deb")" in
  mediasoup-worker_${WORKER_VERSION_PREFIX}*) ;;
  *) die "unexpected mediasoup-worker version: $(basename "$deb") (the JS side is pinned to ${WORKER_VERSION_PREFIX})" ;;
esac
rm -rf "$TARGET" && mkdir -p "$TARGET"
dpkg -x "$deb" "$TARGET"
[ -x "$MEDIASOUP_WORKER_BIN" ] || die "mediasoup-worker binary not found after unpacking $deb"
log "mediasoup-worker installed: $MEDIASOUP_WORKER_BIN"
