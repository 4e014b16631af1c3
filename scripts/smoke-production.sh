#!/usr/bin/env bash
# Production as the image runs it: static files built by scripts/build-static.sh (as the
# Dockerfile does), DEBUG=false, gunicorn with config/gunicorn.py; then every main page is
# fetched (scripts/smoke_pages.py) and any 5xx fails. A throwaway SQLite database in a temporary
# folder; PORT defaults to 8765.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$PWD/.venv/bin/python}"
PORT="${PORT:-8765}"
WORK="$(mktemp -d)"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="smoke-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')" \
  DUGNAD_VAR_DIR="$WORK/var" STATIC_ROOT="$WORK/static"
unset DATABASE_URL REDIS_URL CACHE_URL CELERY_BROKER_URL
PYTHON="$PY" scripts/build-static.sh
"$PY" manage.py migrate --noinput -v0
DJANGO_SUPERUSER_PASSWORD=smoke-test-pass-91 "$PY" manage.py createsuperuser --noinput \
  --email smoke@dugnad.test >/dev/null
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 "$PY" -m gunicorn -c config/gunicorn.py \
  config.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/volunteer/privacy/', timeout=2)" 2>/dev/null && break
  sleep 0.5
done
rc=0
"$PY" scripts/smoke_pages.py "http://127.0.0.1:$PORT" smoke@dugnad.test smoke-test-pass-91 || rc=$?
if grep -q "Zq3kP0xY7vB2nL9mW4tR8sD1fG6hJ5cA" "$WORK/gunicorn.log"; then
  echo "FAILED: a personal-link token reached the server log" >&2; rc=1
fi
if [ "$rc" -ne 0 ]; then echo "--- gunicorn log ---" >&2; tail -n 80 "$WORK/gunicorn.log" >&2; fi
exit "$rc"
