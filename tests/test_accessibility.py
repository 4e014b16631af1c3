"""Every form field on every page has a label, and every page has one main heading."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.permissions import ADMIN, ANONYMOUS, ROLES
from tests.test_permission_matrix import PAGES

SKIP_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _FormAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.h1 = 0
        self._label_depth = 0
        self.has_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.has_main = True
        elif tag in {"input", "select", "textarea"}:
            if tag == "input" and attrs.get("type", "text") in SKIP_INPUT_TYPES:
                return
            if "aria-hidden" in attrs or attrs.get("tabindex") == "-1":
                return  # honeypot fields are hidden from people and assistive technology
            self.fields.append({**attrs, "_wrapped": self._label_depth > 0, "_tag": tag})

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)

    def unlabelled(self) -> list[str]:
        return [
            f.get("name") or f.get("id") or f["_tag"]
            for f in self.fields
            if not (
                f["_wrapped"]
                or (f.get("id") and f["id"] in self.label_for)
                or f.get("aria-label")
                or f.get("aria-labelledby")
            )
        ]


def _viewer(page) -> str:
    for role in ROLES:
        if role in page.allowed and role not in {ADMIN}:
            return role
    return ADMIN


GET_PAGES = [p for p in PAGES if p.method == "get"]


@pytest.mark.parametrize("page", GET_PAGES, ids=lambda p: p.id)
def test_every_field_is_labelled_and_the_page_has_one_h1(client, world, page):
    role = _viewer(page)
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    url = reverse(page.name, kwargs=page.kwargs(world) if page.kwargs else {})
    response = client.get(url, follow=True)
    if "text/html" not in response.get("Content-Type", ""):
        pytest.skip("not an HTML page")
    audit = _FormAudit()
    audit.feed(response.content.decode())
    assert audit.has_main
    assert audit.h1 == 1, f"{url}: {audit.h1} h1 elements"
    assert not audit.unlabelled(), f"{url}: fields without a label: {audit.unlabelled()}"
