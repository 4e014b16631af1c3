#!/usr/bin/env bash
# Extract translatable strings into one catalogue per app (plus locale/ for templates/ and
# config/), then compile them. Needs GNU gettext; the compiled .mo files are committed so that
# running Dugnad does not.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$PWD/.venv/bin/python"
IGNORE=(--ignore='.venv/*' --ignore='static/*' --ignore='var/*' --ignore='staticfiles/*' --ignore='tests/*' --ignore='scripts/*')
for app in accounts outbox staffing needs placements volunteers inventory community matching resources rosters dashboard; do
  (cd "$app" && "$PY" ../manage.py makemessages -l nb --no-obsolete --no-location "${IGNORE[@]}" >/dev/null)
done
"$PY" manage.py makemessages -l nb --no-obsolete --no-location "${IGNORE[@]}" \
  --ignore='accounts/*' --ignore='staffing/*' --ignore='needs/*' --ignore='placements/*' --ignore='volunteers/*' \
  --ignore='matching/*' --ignore='outbox/*' --ignore='resources/*' --ignore='inventory/*' --ignore='rosters/*' --ignore='dashboard/*' --ignore='community/*' >/dev/null
"$PY" manage.py compilemessages --ignore='.venv' >/dev/null
echo "catalogues updated; untranslated Bokmål entries:"
"$PY" scripts/untranslated.py
