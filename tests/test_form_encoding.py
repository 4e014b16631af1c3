"""A form body in a charset Django cannot read answers 400 on every form, never 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import PAGES

POST_PAGES = [page for page in PAGES if page.method == "post" or page.name == "volunteers:register"]
THIRD_PARTY_FORMS = ["/accounts/login/", "/admin/login/", "/i18n/setlang/"]


def _post(client: Client, url: str, charset: str):
    client.get("/volunteer/")  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&login=a@b.test&password=x&first_name=Å"
    return client.generic(
        "POST",
        url,
        body.encode(charset if charset != "bogus-charset" else "utf-8"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
@pytest.mark.parametrize("page", POST_PAGES, ids=lambda p: p.id)
def test_every_form_answers_400_to_an_unreadable_charset(world, page, charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.admin)
    url = reverse(page.name, kwargs=page.kwargs(world) if page.kwargs else {})

    response = _post(client, url, charset)

    assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
@pytest.mark.parametrize("url", THIRD_PARTY_FORMS)
def test_log_in_and_language_forms_answer_400_to_an_unreadable_charset(db, url, charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    response = _post(client, url, charset)

    assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("url", THIRD_PARTY_FORMS)
def test_an_unknown_charset_is_read_as_utf_8(db, url):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    response = _post(client, url, "bogus-charset")

    assert response.status_code < 500, (url, response.status_code)


def test_a_utf_8_form_is_still_read(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)

    response = _post(client, "/i18n/setlang/", "utf-8")

    assert response.status_code == 302
