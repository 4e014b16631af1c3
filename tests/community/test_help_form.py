import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import HelpRequest
from outbox.models import Message


def _post(world, **extra) -> dict:
    data = {
        "kind": "shopping",
        "description": "Handler på Kiwi.",
        "frequency": "weekly",
        "wanted_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "time_of_day": "morning",
        "district": world.north.pk,
        "first_name": "Astrid",
        "address": "Storgata 1",
        "phone": "911 11 111",
        "relation": "neighbour",
        "requester_name": "Nina Nabo",
        "requester_phone": "922 22 222",
        "consent": "on",
        "website": "",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_a_neighbour_asks_for_weekly_shopping_without_an_account(client, world):
    response = client.post(reverse("community:help"), _post(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("community:help_thanks")
    request = HelpRequest.objects.get()
    assert request.status == HelpRequest.Status.NEW
    assert request.frequency == "weekly"
    assert request.first_name == "Astrid"
    assert request.phone == "+4791111111"
    assert request.requester_phone == "+4792222222"
    assert request.channel == HelpRequest.Channel.WEB
    assert request.consent_version and request.consent_at


def test_the_consent_box_is_unticked_and_required_and_nothing_typed_is_lost(client, world):
    page = client.get(reverse("community:help")).content.decode()
    assert 'name="consent"' in page
    assert "checked" not in page.split('name="consent"')[1].split(">")[0]
    response = client.post(reverse("community:help"), _post(world, consent=None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Storgata 1" in html and "Nina Nabo" in html
    assert not HelpRequest.objects.exists()


def test_the_free_text_warns_against_health_details(client, db):
    html = client.get(reverse("community:help")).content.decode()
    assert "helse, sykdom eller medisiner" in html


def test_an_address_is_needed_except_for_a_phone_friend(client, world):
    response = client.post(reverse("community:help"), _post(world, address=""))
    assert response.status_code == 200
    assert "adressen" in response.content.decode()
    response = client.post(reverse("community:help"), _post(world, address="", kind="phone_friend"))
    assert response.status_code == 302
    assert HelpRequest.objects.get().kind == "phone_friend"


def test_someone_asking_for_another_must_give_their_name(client, world):
    response = client.post(reverse("community:help"), _post(world, requester_name=""))
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()


def test_the_honeypot_pretends_and_keeps_nothing(client, world):
    response = client.post(reverse("community:help"), _post(world, website="http://spam"))
    assert response.status_code == 302
    assert not HelpRequest.objects.exists()


def test_the_rate_limit_keeps_what_was_typed(client, world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "HELP_REQUEST_RATE_LIMIT": "2/h"}
    for _ in range(2):
        assert client.post(reverse("community:help"), _post(world)).status_code == 302
    response = client.post(reverse("community:help"), _post(world, first_name="Berit"))
    assert response.status_code == 429
    assert "Berit" in response.content.decode()
    assert HelpRequest.objects.count() == 2


def test_an_urgent_request_tells_the_volunteer_coordinators_without_details(client, world):
    client.post(reverse("community:help"), _post(world, urgent="on"))
    request = HelpRequest.objects.get()
    message = Message.objects.get(kind="community.urgent_request")
    assert message.recipient == world.volunteer_coordinator.email
    assert f"/community/requests/{request.pk}/" in message.body
    assert "Astrid" not in message.body and "Storgata" not in message.body


def test_staff_enter_a_phoned_in_request_in_the_same_form(client, world):
    client.force_login(world.volunteer_coordinator)
    data = _post(world)
    data.pop("website")
    response = client.post(reverse("community:request_create"), data)
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community:request_detail", args=[request.pk])
    assert request.channel == HelpRequest.Channel.PHONE
    assert request.entered_by == world.volunteer_coordinator


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_form_is_translated(client, db, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get(reverse("community:help")).content.decode()
    assert ("Be om praktisk hjelp" if language == "nb" else "Ask for practical help") in html
