#!/usr/bin/env bash
# Staff pages at demo scale 10 through gunicorn on PostgreSQL (a benchmark, not a test):
# `make bench-web`. Production settings (DEBUG=false, Redis as cache), plus the bench-only
# query counter (DUGNAD_QUERY_COUNT_HEADER). Loopback only; stops by itself.
#   BENCH_WEB_DATABASE_URL  (default postgres://postgres@127.0.0.1:5432/dugnad_bench_web)
#   BENCH_REDIS_URL         (default redis://127.0.0.1:6379/13)
#   BENCH_SCALE (10), BENCH_N (30), BENCH_EXPORT_N (10), BENCH_CLIENTS (8), BENCH_SECONDS (30),
#   BENCH_WORKERS (2 × cores + 1), BENCH_THREADS (1), PORT, BENCH_ONLY (pages whose path has it)
# gunicorn runs as config/gunicorn.py deploys it: sync workers, 2 × cores + 1 of them (a worker
# waiting on PostgreSQL leaves the core to another), each warmed up before it is measured. The
# client runs on the same cores: it prints the CPU it used per request next to the server's
# and the database's.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$PWD/.venv/bin/python}"
DB="${BENCH_WEB_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dugnad_bench_web}"
REDIS="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}"
PORT="${PORT:-8767}"
SCALE="${BENCH_SCALE:-10}"
WORKERS="${BENCH_WORKERS:-$("$PY" -c 'from config.gunicorn import default_workers; print(default_workers())')}"
WORK="$(mktemp -d)"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

NAME="${DB##*/}"
psql "${DB%/*}/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1 ||
  psql "${DB%/*}/postgres" -qc "CREATE DATABASE $NAME"
export DATABASE_URL="$DB" REDIS_URL="$REDIS" DEBUG=false SECURE_SSL_REDIRECT=false \
  ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING DUGNAD_QUERY_COUNT_HEADER=true \
  SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')" \
  DUGNAD_VAR_DIR="$WORK/var" STATIC_ROOT="$WORK/static"
PYTHON="$PY" scripts/build-static.sh
"$PY" manage.py migrate --noinput -v0
# The demo is idempotent: a second bench reuses the municipality (and its first matching run,
# eager here: no worker runs during the bench).
CELERY_TASK_ALWAYS_EAGER=true "$PY" manage.py demo --scale "$SCALE" --quiet-users
# Planner statistics, as autovacuum keeps them in a deployed database: a database whose
# autovacuum is off (or has not yet come round after the bulk load) plans the register's joins
# from empty statistics and measures a plan production never runs.
psql "$DB" -qc "VACUUM ANALYZE"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS="$WORKERS" GUNICORN_THREADS="${BENCH_THREADS:-1}" \
  "$PY" -m gunicorn -c config/gunicorn.py --access-logfile /dev/null config.wsgi:application \
  >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=2)" 2>/dev/null && break
  sleep 0.5
done
echo "gunicorn: $WORKERS workers × ${BENCH_THREADS:-1} threads; $(nproc) cores; scale $SCALE; load before: $(uptime | sed 's/.*load average/load average/')"
rc=0
"$PY" scripts/bench_web.py "http://127.0.0.1:$PORT" -n "${BENCH_N:-30}" \
  --warmup $(( WORKERS * 2 )) --export-n "${BENCH_EXPORT_N:-10}" \
  --clients "${BENCH_CLIENTS:-8}" --seconds "${BENCH_SECONDS:-30}" \
  --server-pid "$GUNICORN_PID" --db-name "$NAME" ${BENCH_ONLY:+--only "$BENCH_ONLY"} || rc=$?
echo "load after: $(uptime | sed 's/.*load average/load average/')"
if grep -q "Traceback" "$WORK/gunicorn.log"; then echo "server errors:" >&2; grep -m1 -A40 Traceback "$WORK/gunicorn.log" >&2; rc=1; fi
redis-cli -u "$REDIS" flushdb >/dev/null || true
exit "$rc"
