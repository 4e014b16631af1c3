# Image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    NUMBA_CACHE_DIR=/app/var/numba

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --disable-pip-version-check -r requirements.lock
COPY . .
# static files as production serves them (with the manifest; scripts/build-static.sh, which CI
# runs too); the matching engine's compiled search is built once here, not on the first run
RUN scripts/build-static.sh \
    && python -c "from matching.engine.pricing import warm_up; warm_up()" \
    && useradd --system --home /app dugnad \
    && mkdir -p /app/var && chown -R dugnad /app/var
USER dugnad
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
