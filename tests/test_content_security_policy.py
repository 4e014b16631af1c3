"""A Content-Security-Policy without inline scripts, and pages that need none."""

import re

import pytest

from tests.volunteers.factories import VolunteerFactory

TOKEN = "tok-abcdefghijklmnopqrstuvwxyz0123"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _inline_code(html: str) -> list[str]:
    found = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" not in attrs and "application/json" not in attrs and body.strip():
            found.append(body[:80])
    found += re.findall(r"<style", html)
    found += re.findall(r"\son[a-z]+\s*=", html)
    found += re.findall(r"\sstyle\s*=", html)
    found += re.findall(r"javascript:", html)
    return found


PUBLIC = ["/", "/volunteer/", "/volunteer/privacy/", "/accounts/login/", f"/volunteer/me/{TOKEN}/"]
STAFF = [
    ("volunteer_coordinator", "/volunteers/"),
    ("coordinator", "/matching/"),
    ("leader", "/needs/"),
    ("leader", "/needs/new/"),
    ("hr", "/onboarding/"),
    ("admin", "/admin/"),
    ("admin", "/admin/accounts/user/add/"),
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_send_a_policy_without_inline_scripts_and_use_none(client, world, path):
    VolunteerFactory(token=TOKEN, district=world.north)

    response = client.get(path)

    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not _inline_code(response.content.decode())


@pytest.mark.parametrize(("role", "path"), STAFF)
def test_staff_pages_need_no_inline_scripts_or_styles(client, world, role, path):
    client.force_login(getattr(world, role))

    response = client.get(path)

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert not _inline_code(response.content.decode()), path
