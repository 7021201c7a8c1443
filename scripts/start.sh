#!/usr/bin/env bash
# The demo: starts Redis, the SFU and signaling, seeds the demo meeting and its accounts (all with
# the published demo password, so never on a production host), and prints where to go.
# Runs in the foreground; Ctrl-C (or SIGTERM) stops the services gracefully.
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

export PORT="${PORT:-3000}" HOST="${HOST:-0.0.0.0}"
export SFU_PORT="${SFU_PORT:-4000}"
export SFU_URL="${SFU_URL:-http://127.0.0.1:$SFU_PORT}"
# The project's Redis, with its signaling password; the servers' secrets made once into data/secrets/.
export REDIS_URL="${REDIS_URL:-$(project_redis_url)}"
export SFU_SECRET="${SFU_SECRET:-$(ensure_secret sfu-secret)}"
export SESSION_SECRET="${SESSION_SECRET:-$(ensure_secret session-secret)}"
export BALLOT_SECRET="${BALLOT_SECRET:-$(ensure_secret ballot-secret)}"
export DEMO_PASSWORD="${DEMO_PASSWORD:-ehop-demo-2026}"

[ -f signaling/dist/main.js ] && [ -f sfu-server/dist/main.js ] && [ -f client/dist/index.html ] \
  || die "Not built yet: run scripts/setup.sh first (or scripts/demo.sh)"

bash scripts/redis.sh start
node signaling/dist/seed/seed-demo.js

pids=()
stop_all() {
  log "Stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop_all INT TERM

node sfu-server/dist/main.js & pids+=($!)
node signaling/dist/main.js & pids+=($!)

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 || { stop_all; die "signaling did not become healthy"; }

log "eHọp is running: open http://localhost:$PORT  (password for every demo account: $DEMO_PASSWORD)"
log "Press Ctrl-C to stop."
wait
