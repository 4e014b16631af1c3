import pytest
from django.urls import reverse

from accounts.models import Role
from tests.staffing.factories import UserFactory


def test_login_page_has_login_and_password_fields(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert '<label for="id_login"' in html


def test_staff_log_in_with_email_and_password(client, world):
    response = client.post(
        "/accounts/login/", {"login": "leader@dugnad.test", "password": "dugnad-test"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.leader.pk)


def test_there_is_no_public_sign_up_for_staff(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.test",
            "password1": "S3cret-pass!",
            "password2": "S3cret-pass!",
        },
    )
    assert response.status_code == 200
    assert "opprettes av systemansvarlig" in response.content.decode()
    from accounts.models import User

    assert not User.objects.filter(email="intruder@example.test").exists()


@pytest.mark.parametrize(
    ("role", "start"),
    [
        (Role.UNIT_LEADER, "/coverage/"),
        (Role.COORDINATOR, "/coverage/"),
        (Role.HR, "/onboarding/"),
        (Role.VOLUNTEER_COORDINATOR, "/volunteers/"),
    ],
)
def test_start_page_sends_each_role_to_its_own_page(client, world, role, start):
    client.force_login(world.users[role])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == start


def test_administrator_start_page_links_to_admin(client, world):
    client.force_login(world.admin)
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


def test_user_without_role_is_told_to_ask_for_one(client, db):
    user = UserFactory(role="")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert client.get("/needs/").status_code == 403


def test_inactive_user_cannot_reach_staff_pages(client, world):
    world.coordinator.is_active = False
    world.coordinator.save()
    client.force_login(world.coordinator)
    assert client.get("/matching/").status_code in (302, 403)


def test_only_administrators_reach_django_admin(client, world):
    for user, expected in [(world.coordinator, 302), (world.hr, 302), (world.admin, 200)]:
        client.force_login(user)
        assert client.get("/admin/").status_code == expected


def test_anonymous_visitor_gets_landing_page_with_volunteer_form_and_login(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("volunteers:register") in html
    assert reverse("account_login") in html


def test_navigation_shows_each_role_only_its_pages(client, world):
    client.force_login(world.leader)
    html = client.get("/needs/").content.decode()
    assert 'href="/needs/"' in html
    assert 'href="/matching/"' not in html
    assert 'href="/onboarding/"' not in html
    client.force_login(world.hr)
    html = client.get("/onboarding/").content.decode()
    assert 'href="/onboarding/"' in html
    assert 'href="/needs/"' not in html


def test_admin_log_in_is_rate_limited_like_the_main_log_in(client, world):
    admin_login = "/admin/login/?next=/admin/"
    for _attempt in range(20):
        response = client.post(
            admin_login, {"username": "admin@dugnad.test", "password": "wrong"}, follow=True
        )
        assert "_auth_user_id" not in client.session
        # the admin form sends people to the main log-in, where the limits apply
        response = client.post(
            "/accounts/login/?next=/admin/", {"login": "admin@dugnad.test", "password": "wrong"}
        )
        assert "_auth_user_id" not in client.session

    client.post(admin_login, {"username": "admin@dugnad.test", "password": "dugnad-test"})
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": "admin@dugnad.test", "password": "dugnad-test"}
    )

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_admin_log_in_page_leads_to_the_main_log_in(client, world):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.post(response["Location"], {"login": "admin@dugnad.test", "password": "dugnad-test"})
    assert client.get("/admin/").status_code == 200
