import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_malformed_boolean_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("DUGNAD_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DUGNAD_X"):
        env_bool("DUGNAD_X", False)


def test_malformed_integer_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("DUGNAD_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="DUGNAD_X"):
        env_int("DUGNAD_X", 1)


def test_boolean_setting_accepts_common_spellings(monkeypatch):
    for raw, expected in [("true", True), ("0", False), ("Yes", True), ("off", False)]:
        monkeypatch.setenv("DUGNAD_X", raw)
        assert env_bool("DUGNAD_X", not expected) is expected


def test_production_without_secret_key_refuses_to_start():
    result = _manage("check", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="dugnad.kommune.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        DATABASE_URL="postgres://u:p@db.example:5432/dugnad",
        REDIS_URL="redis://redis.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis.example:6379/0",
        "False",
    ]


def test_embedded_default_is_sqlite_eager_celery_and_email_to_files():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = _manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "outbox.mail.FileEmailBackend",
    ]


def test_demo_email_goes_to_a_file_under_var_and_not_into_the_log(tmp_path):
    code = (
        "from django.core.mail import send_mail;"
        "send_mail('Hei Frida', 'https://x.example/volunteer/me/s3cret-token/', None,"
        " ['frida@example.test'])"
    )
    result = _manage("shell", "-v", "0", "-c", code, DUGNAD_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert "s3cret-token" in files[0].read_text()
    output = result.stdout + result.stderr
    assert "e-mail written to" in output and str(tmp_path / "mail") in output
    assert "frida" not in output and "s3cret" not in output and "Hei" not in output
