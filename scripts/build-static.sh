#!/bin/sh
# Static files exactly as production serves them: DEBUG=false selects WhiteNoise's
# CompressedManifestStaticFilesStorage, which writes the manifest that every page needs to find
# its hashed CSS and JS (without it, every page is a 500). Used by the Dockerfile and by CI.
#   PYTHON=.venv/bin/python STATIC_ROOT=/tmp/static scripts/build-static.sh
set -eu
cd "$(dirname "$0")/.."
DEBUG=false SECRET_KEY="${SECRET_KEY:-static-files-build-only}" \
  "${PYTHON:-python}" manage.py collectstatic --noinput --clear -v0
test -s "${STATIC_ROOT:-staticfiles}/staticfiles.json"
