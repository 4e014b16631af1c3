#!/usr/bin/env bash
# Registrations per second on the public form through gunicorn on PostgreSQL (a benchmark, not
# a test): `make bench-register`. Production settings (DEBUG=false, Redis as cache and broker,
# the trusted-proxy count of a deployment behind one proxy); the load generator runs on the same
# machine. Afterwards the registrations are counted in the database: none may be lost.
#   BENCH_REGISTER_DATABASE_URL  (default postgres://postgres@127.0.0.1:5432/dugnad_bench_register)
#   BENCH_REDIS_URL              (default redis://127.0.0.1:6379/14)
#   BENCH_COUNT, BENCH_CLIENTS, BENCH_WORKERS, PORT
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$PWD/.venv/bin/python}"
DB="${BENCH_REGISTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dugnad_bench_register}"
REDIS="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}"
PORT="${PORT:-8766}"
COUNT="${BENCH_COUNT:-3000}"
CLIENTS="${BENCH_CLIENTS:-16}"
WORKERS="${BENCH_WORKERS:-$(( $(nproc) * 2 + 1 ))}"
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
  ALLOWED_HOSTS=127.0.0.1 DUGNAD_TRUSTED_PROXY_COUNT=1 LOG_LEVEL=WARNING \
  SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')" \
  DUGNAD_VAR_DIR="$WORK/var" STATIC_ROOT="$WORK/static"
PYTHON="$PY" scripts/build-static.sh
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py shell -v0 -c "
from staffing.models import District, Qualification
if not District.objects.exists():
    from staffing.demo import load
    load(scale=0.02)
"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS="$WORKERS" GUNICORN_THREADS="${BENCH_THREADS:-1}" "$PY" -m gunicorn -c config/gunicorn.py \
  --access-logfile /dev/null config.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/volunteer/privacy/', timeout=2)" 2>/dev/null && break
  sleep 0.5
done
# CPU seconds of gunicorn's processes: a figure the other load on a shared machine disturbs less
# than the rate (PostgreSQL's and Redis's own CPU is not in it).
cpu_ticks() {
  local total=0 pid
  for pid in "$GUNICORN_PID" $(pgrep -P "$GUNICORN_PID"); do
    set -- $(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null || echo "0 0")
    total=$(( total + $1 + $2 ))
  done
  echo "$total"
}
RUN="$(date +%s)"
TICKS_BEFORE="$(cpu_ticks)"
echo "gunicorn: $WORKERS workers × ${BENCH_THREADS:-1} threads; $(nproc) cores; load before: $(uptime | sed 's/.*load average/load average/')"
rc=0
"$PY" scripts/bench_register.py "http://127.0.0.1:$PORT" --count "$COUNT" --clients "$CLIENTS" \
  --run "$RUN" | tee "$WORK/result.txt" || rc=$?
TICKS_AFTER="$(cpu_ticks)"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
confirmed="$(sed -n 's/^confirmed=//p' "$WORK/result.txt")"
"$PY" -c "
ticks, n, hz = $TICKS_AFTER - $TICKS_BEFORE, max($confirmed, 1), $(getconf CLK_TCK)
print(f'gunicorn CPU per registration: {ticks / hz / n * 1000:.1f} ms (form fetches included)')
"
stored="$("$PY" manage.py shell -v0 -c "
from volunteers.models import Volunteer
print(Volunteer.objects.filter(email__startswith='bench-$RUN-').count())
")"
echo "stored in PostgreSQL: $stored of $confirmed confirmed"
if [ "$stored" != "$confirmed" ]; then echo "LOST REGISTRATIONS" >&2; rc=1; fi
# the queued e-mails went to Redis db ${REDIS##*/} for a worker that is not running here
redis-cli -u "$REDIS" flushdb >/dev/null || true
exit "$rc"
