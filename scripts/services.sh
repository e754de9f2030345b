#!/usr/bin/env bash
# Start (or stop) the PostgreSQL and Redis servers the test suite uses, from Debian's packages
# (and install openssl, which the HTTPS fetch tests use to make certificates).
# Private instances on loopback ports with their data under .services/; installs the packages
# with apt-get when they are missing. Writes the URLs to .services/env (sourced by `make test`).
#   scripts/services.sh start | stop
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR="$ROOT/.services"
PG_PORT=${PG_PORT:-54329}
REDIS_PORT=${REDIS_PORT:-63799}
PG_USER=postgres  # the server refuses to run as root; Debian's package creates this user

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && echo "$found"
}

install_missing() {
  local want=()
  [ -n "$(pg_bin)" ] || want+=(postgresql)
  command -v redis-server >/dev/null || want+=(redis-server)
  command -v openssl >/dev/null || want+=(openssl)  # certificates for the HTTPS fetch tests
  [ ${#want[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "services: missing ${want[*]} and cannot install them here" >&2
    return 1
  fi
  echo "services: installing ${want[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

start_pg() {
  local bin data="$DIR/pg"
  bin=$(pg_bin)
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown "$PG_USER" "$DIR"; fi
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    : # a server of ours (another checkout) already listens there: reuse it
  elif [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
      -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      >/dev/null
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='shopguard'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE shopguard LOGIN PASSWORD 'shopguard' CREATEDB"
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='shopguard_test'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE shopguard_test OWNER shopguard"
  fi
}

start_redis() {
  mkdir -p "$DIR/redis"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' \
      --appendonly no --dir "$DIR/redis" --logfile "$DIR/redis/server.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

case "${1:-start}" in
  start)
    install_missing
    start_pg
    start_redis
    cat > "$DIR/env" <<ENV
export TEST_POSTGRES_URL=postgresql+asyncpg://shopguard:shopguard@127.0.0.1:$PG_PORT/shopguard_test
export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export TEST_PG_BIN=$(pg_bin)
export TEST_PG_DATA=$DIR/pg
ENV
    echo "services: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT" >&2
    ;;
  stop)
    bin=$(pg_bin || true)
    [ -n "$bin" ] && [ -d "$DIR/pg" ] && as_pg "$bin/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
