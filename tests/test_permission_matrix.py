import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.permissions import ANONYMOUS, ROLES, Page

# Namespaces whose every page must be in the matrix; third-party pages (admin, allauth) are
# covered by their own projects, and checked here only where Dugnad relies on them.
OWN_NAMESPACES = {
    "needs",
    "matching",
    "offers",
    "placements",
    "volunteers",
    "resources",
    "inventory",
    "inventory_link",
    "rosters",
    "calendar",
    "dashboard",
    "community",
}
OWN_ROOT_NAMES = {"home", "sms-status", "sms-inbound"}


def _all_pages() -> list[Page]:
    pages: list[Page] = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            pages_module = importlib.import_module(f"tests.{module.name}.pages")
        except ModuleNotFoundError:
            continue
        pages.extend(pages_module.PAGES)
    return pages


PAGES = _all_pages()


def _project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace in OWN_NAMESPACES:
                    names.add(f"{namespace}:{pattern.name}")
                elif namespace is None and pattern.name in OWN_ROOT_NAMES:
                    names.add(pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_project_url_is_in_the_permission_matrix():
    missing = _project_url_names() - {page.name for page in PAGES}
    assert not missing, f"pages without a permission matrix entry: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_permission_matrix(client, world, page: Page, role: str):
    kwargs = page.kwargs(world) if page.kwargs else {}
    url = reverse(page.name, kwargs=kwargs)
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    data = page.data(world) if page.data else {}
    response = getattr(client, page.method)(url, data)

    if role in page.allowed:
        assert response.status_code in page.ok_status, (role, url, response.status_code)
    elif role == ANONYMOUS:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code in page.denied_status, (role, url, response.status_code)
