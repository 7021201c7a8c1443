#!/usr/bin/env bash
# Installs everything eHọp needs on Debian bookworm (Debian packages, npm packages, the mediasoup
# worker built from source) and builds every workspace. Safe to run again: it skips what is already done.
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

# Pass --runtime to skip test-only packages (container images).
bash scripts/install-system-deps.sh "$@"

# MEDIASOUP_WORKER_BIN (exported by common.sh) keeps mediasoup's install script from building its
# worker its own way (which downloads); build-mediasoup-worker.sh builds it below, offline.
lock_stamp="node_modules/.ehop-lock.sha256"
if [ -f "$lock_stamp" ] && sha256sum --status -c "$lock_stamp" 2>/dev/null; then
  log "npm packages up to date"
else
  log "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json > "$lock_stamp"
fi

bash scripts/build-mediasoup-worker.sh

log "Building protocol, sfu-server, signaling and client"
npm run build --silent
log "Setup complete"
