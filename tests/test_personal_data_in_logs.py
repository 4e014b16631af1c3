"""Personal-link tokens stay out of logs, and pages with personal data are never cached."""

import datetime as dt
import io
import logging

import pytest
from gunicorn.config import Config

from config.gunicorn import MaskingLogger
from tests.volunteers.factories import VolunteerFactory

TOKEN = "tok-abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture
def console_log():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_not_found_warning_for_a_personal_link_does_not_log_the_token(client, db, console_log):
    response = client.get(f"/volunteer/me/{TOKEN}/")

    assert response.status_code == 404
    logged = console_log.getvalue()
    assert "Not Found: /volunteer/me/<token>/" in logged
    assert TOKEN not in logged


def test_gunicorn_access_log_masks_tokens_in_path_query_and_referer():
    class Response:
        status = "200 OK"
        sent = 123
        headers = [("Content-Type", "text/html")]

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/volunteer/me/{TOKEN}/export/?next=/volunteer/me/{TOKEN}/",
        "PATH_INFO": f"/volunteer/me/{TOKEN}/export/",
        "QUERY_STRING": f"next=/volunteer/me/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://dugnad.example/volunteer/me/{TOKEN}/",
        "HTTP_USER_AGENT": "test",
    }
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(r)s %(U)s %(q)s "%(f)s" %({referer}i)s')
    logger = MaskingLogger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)

    logger.access(Response(), [("Referer", environ["HTTP_REFERER"])], environ, dt.timedelta(0))

    line = stream.getvalue()
    assert "/volunteer/me/<token>/export/" in line
    assert TOKEN not in line
    # hashed static file names are not tokens
    environ["RAW_URI"] = "/static/css/dugnad.0123456789abcdef0123.css"
    logger.access(Response(), [], environ, dt.timedelta(0))
    assert "dugnad.0123456789abcdef0123.css" in stream.getvalue()


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_personal_pages_and_their_export_are_never_cached(client, world):
    VolunteerFactory(token=TOKEN, district=world.north)

    for path in (f"/volunteer/me/{TOKEN}/", f"/volunteer/me/{TOKEN}/export/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _no_store(response), path


def test_staff_pages_and_exports_are_never_cached(client, world):
    VolunteerFactory(district=world.north)
    client.force_login(world.volunteer_coordinator)

    for path in ("/volunteers/", "/volunteers/export.csv", "/volunteers/referrals/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _no_store(response), path
    client.force_login(world.coordinator)
    assert _no_store(client.get("/matching/"))


def test_a_form_re_rendered_with_what_was_typed_is_never_cached(client, world):
    response = client.post("/volunteer/", {"first_name": "Frida", "phone": "12"})

    assert response.status_code == 200
    assert _no_store(response)


def test_public_pages_without_personal_data_may_be_cached(client, db):
    assert not _no_store(client.get("/volunteer/privacy/"))


def test_only_token_like_segments_are_masked():
    from core.logs import mask_tokens

    random_token = "Zq3kP0xY7vB2nL9mW4tR8sD1fG6hJ5cA-_eK"
    assert mask_tokens(f"GET /anything/{random_token}/ 200") == "GET /anything/<token>/ 200"
    assert mask_tokens("/tmp/pytest-of-root/test_demo_email_goes_to_a_file0/mail") == (
        "/tmp/pytest-of-root/test_demo_email_goes_to_a_file0/mail"
    )
    assert mask_tokens("/static/css/dugnad.0123456789abcdef.css") == (
        "/static/css/dugnad.0123456789abcdef.css"
    )
