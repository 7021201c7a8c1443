#!/usr/bin/env bash
# Starts or stops the project's own Redis (data under data/redis, AOF on). Usage: redis.sh start|stop|status
source "$(dirname "$0")/lib/common.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DIR="$DATA_DIR/redis"
PIDFILE="$REDIS_DIR/redis.pid"

is_running() { redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    if is_running; then log "Redis already running on port $REDIS_PORT"; exit 0; fi
    mkdir -p "$REDIS_DIR"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" \
      --appendonly yes --appendfsync always --daemonize yes --pidfile "$PIDFILE" \
      --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 1 100); do is_running && break; sleep 0.1; done
    is_running || die "Redis did not start; see $REDIS_DIR/redis.log"
    log "Redis running on port $REDIS_PORT (data in $REDIS_DIR)"
    ;;
  stop)
    is_running && redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    log "Redis stopped"
    ;;
  status)
    is_running && echo running || echo stopped
    ;;
  *) die "usage: redis.sh start|stop|status" ;;
esac
