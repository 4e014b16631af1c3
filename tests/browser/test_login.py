import pytest

from staffing.demo import DEMO_PASSWORD
from staffing.demo import load as load_demo
from tests.browser.conftest import login

START_PAGES = {
    "coordinator@dugnad.test": "/coverage/",
    "hr@dugnad.test": "/onboarding/",
    "volunteers@dugnad.test": "/volunteers/",
    "leader@dugnad.test": "/coverage/",
    "leader2@dugnad.test": "/coverage/",
    "admin@dugnad.test": "/",
}


@pytest.fixture
def demo(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(scale=0.02)


@pytest.mark.parametrize("email", list(START_PAGES))
def test_each_demo_role_logs_in_and_lands_on_its_start_page(page, demo, email):
    login(page, email, DEMO_PASSWORD)
    assert page.url.endswith(START_PAGES[email]), page.url
    assert page.locator("h1").first.is_visible()
    # the navigation shows the role's own pages, and the user is named in the header
    assert email in page.locator("header").inner_text()


def test_wrong_password_shows_a_message_and_keeps_the_address(page, demo):
    login(page, "leader@dugnad.test", "wrong-password")
    assert page.url.endswith("/accounts/login/")
    assert page.locator("input[name=login]").input_value() == "leader@dugnad.test"
    assert page.locator("[role=alert]").first.is_visible()
