#!/usr/bin/env bash
# Starts or stops the project's own Redis: data under data/redis, AOF on, loopback only, and a
# password for every client (the users of deploy/redis/users.acl.in; their passwords are made once
# into data/secrets/, mode 0600). Usage: redis.sh start|stop|status
source "$(dirname "$0")/lib/common.sh"

REDIS_DIR="$DATA_DIR/redis"
# Redis's files (AOF, log) hold the accounts and sessions: this user's eyes only.
umask 077
PIDFILE="$REDIS_DIR/redis.pid"
# Loopback by default: only processes on this host reach it. Set REDIS_BIND to serve other hosts.
REDIS_BIND="${REDIS_BIND:-127.0.0.1}"

admin_cli() { REDISCLI_AUTH="$(ensure_secret redis-admin.password)" redis-cli --no-auth-warning --user admin -p "$REDIS_PORT" "$@"; }
# What anything listening on the port answers to a PING without a password ('' when nothing listens).
anonymous_ping() {
  local answer
  answer="$(redis-cli -p "$REDIS_PORT" ping 2>&1 || true)"
  case "$answer" in *'Connection refused'*) ;; *) printf '%s' "$answer" ;; esac
}
# Logged in as our admin: a Redis without passwords would answer PING too, as its default user.
is_running() { [ "$(admin_cli acl whoami 2>/dev/null || true)" = admin ]; }

# Redis's ACL file from the template: comments dropped, each password as its SHA-256.
write_acl_file() {
  local signaling sfu admin
  signaling="$(ensure_secret redis-signaling.password | sha256sum | cut -d' ' -f1)"
  sfu="$(ensure_secret redis-sfu.password | sha256sum | cut -d' ' -f1)"
  admin="$(ensure_secret redis-admin.password | sha256sum | cut -d' ' -f1)"
  (umask 077 && grep -v '^#' "$REPO_ROOT/deploy/redis/users.acl.in" | grep -v '^$' \
    | sed -e "s/@SIGNALING_PASSWORD_SHA256@/$signaling/" -e "s/@SFU_PASSWORD_SHA256@/$sfu/" -e "s/@ADMIN_PASSWORD_SHA256@/$admin/" > "$REDIS_DIR/users.acl")
}

# A Redis that answers without a password on our port: ours from before passwords (its pid file
# is ours) is restarted with them; anyone else's is left alone.
stop_passwordless_redis() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    || die "A Redis without a password listens on port $REDIS_PORT and is not this project's: stop it or set REDIS_PORT"
  log "Restarting the project's Redis with passwords"
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 100); do [ -z "$(anonymous_ping)" ] && return; sleep 0.1; done
  die "the old Redis on port $REDIS_PORT did not stop"
}

case "${1:-start}" in
  start)
    if is_running; then log "Redis already running on port $REDIS_PORT"; exit 0; fi
    case "$(anonymous_ping)" in
      '') ;;
      PONG) stop_passwordless_redis ;;
      *) die "Something else listens on port $REDIS_PORT (it refuses this project's Redis password): set REDIS_PORT" ;;
    esac
    mkdir -p "$REDIS_DIR" && chmod 700 "$REDIS_DIR"
    write_acl_file
    redis-server --port "$REDIS_PORT" --bind "$REDIS_BIND" --protected-mode yes --aclfile "$REDIS_DIR/users.acl" \
      --dir "$REDIS_DIR" --appendonly yes --appendfsync always --daemonize yes --pidfile "$PIDFILE" \
      --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 1 100); do is_running && break; sleep 0.1; done
    is_running || die "Redis did not start; see $REDIS_DIR/redis.log"
    log "Redis running on $REDIS_BIND:$REDIS_PORT (data in $REDIS_DIR, passwords in $SECRETS_DIR)"
    ;;
  stop)
    if is_running; then admin_cli shutdown >/dev/null 2>&1 || true; fi
    log "Redis stopped"
    ;;
  status)
    is_running && echo running || echo stopped
    ;;
  *) die "usage: redis.sh start|stop|status" ;;
esac
