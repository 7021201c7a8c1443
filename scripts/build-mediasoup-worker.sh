#!/usr/bin/env bash
# Builds the mediasoup worker (C++) from the sources that ship inside the npm package
# (node_modules/mediasoup/worker), against Debian bookworm's own libraries, with the patch in
# sfu-server/worker-build/ (see its README for why each line changes). Nothing is downloaded.
#
# The binary is cached outside the clone, keyed by mediasoup's version and the patch's hash
# (MEDIASOUP_WORKER_CACHE, set by common.sh), so a second setup takes seconds. An explicit
# MEDIASOUP_WORKER_BIN (set before common.sh runs) skips the build: that binary is used as it is.
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

if [ "$MEDIASOUP_WORKER_BIN" != "$MEDIASOUP_WORKER_CACHE/mediasoup-worker" ]; then
  log "MEDIASOUP_WORKER_BIN set by the caller: $MEDIASOUP_WORKER_BIN (not building)"
  [ -x "$MEDIASOUP_WORKER_BIN" ] || die "MEDIASOUP_WORKER_BIN is not an executable file"
elif [ -x "$MEDIASOUP_WORKER_BIN" ]; then
  log "mediasoup-worker $MEDIASOUP_VERSION found in the cache: $MEDIASOUP_WORKER_BIN"
else
  sources="$REPO_ROOT/node_modules/mediasoup/worker"
  installed="$(node -p "require('$REPO_ROOT/node_modules/mediasoup/package.json').version" 2>/dev/null || true)"
  [ "$installed" = "$MEDIASOUP_VERSION" ] \
    || die "node_modules/mediasoup is '${installed:-missing}', expected $MEDIASOUP_VERSION: run npm ci first"

  for tool in meson ninja pkg-config g++ patch; do
    command -v "$tool" >/dev/null || die "$tool is missing (needed to build the mediasoup worker): run scripts/install-system-deps.sh"
  done

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -a "$sources" "$work/worker"
  patch -d "$work/worker" -p1 --quiet < "$REPO_ROOT/sfu-server/worker-build/system-libraries.patch" \
    || die "sfu-server/worker-build/system-libraries.patch does not apply to mediasoup $MEDIASOUP_VERSION's sources (see its README)"

  log "Building mediasoup-worker $MEDIASOUP_VERSION from the npm package's sources: once per version, about 5 minutes on 2 idle cores (12 on a busy machine)"
  log "  progress: tail -f $work/ninja.log; the binary goes to $MEDIASOUP_WORKER_CACHE"
  started=$SECONDS
  (cd "$work/worker" && meson setup "$work/build" --buildtype=release >"$work/meson.log" 2>&1) \
    || { tail -30 "$work/meson.log" >&2; die "meson setup failed (log above)"; }
  ninja -C "$work/build" mediasoup-worker >"$work/ninja.log" 2>&1 \
    || { tail -40 "$work/ninja.log" >&2; die "building mediasoup-worker failed (log above)"; }

  # Publish atomically: a build interrupted half-way never leaves a broken binary in the cache.
  mkdir -p "$MEDIASOUP_WORKER_CACHE"
  install -m 0755 "$work/build/mediasoup-worker" "$MEDIASOUP_WORKER_CACHE/mediasoup-worker.partial"
  mv "$MEDIASOUP_WORKER_CACHE/mediasoup-worker.partial" "$MEDIASOUP_WORKER_BIN"
  log "mediasoup-worker built in $((SECONDS - started)) s: $MEDIASOUP_WORKER_BIN"
fi

# The check: a real worker starts through the Node library and answers a request.
if [ "$MEDIASOUP_WORKER_BIN" = "$MEDIASOUP_WORKER_CACHE/mediasoup-worker" ]; then
  hint="delete $MEDIASOUP_WORKER_CACHE to build it again"
else
  hint="check MEDIASOUP_WORKER_BIN, or unset it to build the worker here"
fi
node "$REPO_ROOT/scripts/lib/check-mediasoup-worker.mjs" \
  || die "the mediasoup worker $MEDIASOUP_WORKER_BIN does not start (error above): $hint"
