#!/usr/bin/env bash
# Installs the Debian packages eHọp needs to run and to be tested. Idempotent: skips what is there.
source "$(dirname "$0")/lib/common.sh"

# Usage: install-system-deps.sh [--runtime]   (--runtime: only what the servers need, for images)
RUNTIME_PACKAGES=(
  redis-server           # state, sessions, socket.io adapter (and redis-cli for the scripts)
  ffmpeg                 # server-side recording, synthetic endpoints
  poppler-utils          # pdftotext/pdfinfo for document checks
  qpdf                   # checks uploaded PDFs (damaged, truncated, password-protected)
  libreoffice-core libreoffice-writer libreoffice-calc libreoffice-impress   # Office -> PDF conversion
  bubblewrap             # bwrap: runs each conversion without network or the server's files
  libsrtp2-1 libusrsctp2 libuv1 libabsl20220623   # runtime libraries of the mediasoup worker
  fonts-noto-core        # Vietnamese glyphs in generated PDFs
  fonts-liberation2      # Liberation Serif (metric-compatible with Times New Roman) embedded in the minutes PDF
  ca-certificates curl
)
# The mediasoup worker is compiled here from the npm package's sources (build-mediasoup-worker.sh).
BUILD_PACKAGES=(
  meson ninja-build g++ pkg-config patch
  libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
)
TEST_PACKAGES=(
  chromium               # end-to-end tests (Playwright drives Debian's Chromium)
  coturn                 # the TURN test runs the real server with deploy/coturn/turnserver.conf
  openssl                # throw-away TLS certificates for the TLS tests
  iproute2 nftables      # the TCP-only e2e: a browser in a network namespace whose UDP is refused
)
PACKAGES=("${RUNTIME_PACKAGES[@]}" "${BUILD_PACKAGES[@]}")
[ "${1:-}" = "--runtime" ] || PACKAGES+=("${TEST_PACKAGES[@]}")

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  log "Debian packages already installed"
else
  log "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's coturn package enables a system-wide TURN server with an empty configuration; the tests
# start their own. Where systemd runs, keep the package's one off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled coturn >/dev/null 2>&1; then
  as_root systemctl disable coturn >/dev/null 2>&1 || true
  as_root systemctl stop coturn >/dev/null 2>&1 || true
fi

