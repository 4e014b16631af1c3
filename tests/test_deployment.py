"""docker-compose.yml cannot be run here (no Docker engine): keep it correct by parsing it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_defines_web_worker_beat_postgres_and_redis():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    # the configuration masks personal-link tokens in the access log (config/gunicorn.py)
    assert "gunicorn -c config/gunicorn.py config.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_app_services_share_one_image_env_and_wait_for_healthy_backends():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == "."
        assert service["env_file"] == ".env"
        assert service["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]
    assert (ROOT / "Dockerfile").exists()


def test_env_example_points_the_app_at_the_compose_services():
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["DEBUG"] == "false"
    assert re.match(r"postgres://[^@]+@db:5432/", env["DATABASE_URL"])
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["POSTGRES_PASSWORD"] in env["DATABASE_URL"]


def test_every_setting_in_env_example_is_read_by_settings_or_compose():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    compose_source = (ROOT / "docker-compose.yml").read_text()
    keys = [
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    unread = [k for k in keys if f'"{k}"' not in settings_source and k not in compose_source]
    assert not unread, unread


def test_image_builds_static_files_with_the_script_ci_checks():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN scripts/build-static.sh" in dockerfile
    assert "collectstatic" not in dockerfile  # only through the script
    assert "DEBUG=true" not in dockerfile
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py"' in dockerfile


def test_pages_served_from_static_files_built_like_the_image_do_not_fail(
    client, world, settings, tmp_path
):
    """DEBUG=true at collectstatic writes no manifest, and with DEBUG=false every page is a 500."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHON": sys.executable, "STATIC_ROOT": str(tmp_path)}
    env.pop("DEBUG", None)
    subprocess.run([str(ROOT / "scripts" / "build-static.sh")], env=env, check=True)
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    for path in ("/", "/accounts/login/", "/volunteer/", "/volunteer/privacy/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "/static/css/dugnad." in response.content.decode()
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200
