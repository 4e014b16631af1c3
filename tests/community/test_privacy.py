import csv
import datetime as dt
import io

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import FollowUp, HelpRequest, TaskOffer
from community.selectors import task_offer_get_by_token
from community.tasks import help_requests_erase_closed_task
from staffing.models import AuditEntry
from tests.community.factories import general_volunteer, help_request, sent_task
from volunteers.tokens import token_hash

TOKEN = "erased-task-token-abcdefghijklmnopqrstuvwxyz"


def test_every_opening_of_a_request_is_logged(client, world):
    request = help_request(world)
    client.force_login(world.volunteer_coordinator)
    client.get(reverse("community:request_detail", args=[request.pk]))
    client.get(reverse("community:request_detail", args=[request.pk]))
    entries = AuditEntry.objects.filter(
        object_type="community.helprequest", object_id=request.pk, field="record_opened"
    )
    assert entries.count() == 2
    assert {e.actor for e in entries} == {world.volunteer_coordinator}


def test_a_unit_leader_never_sees_residents_requests(client, world):
    request = help_request(world)
    client.force_login(world.leader)
    assert client.get(reverse("community:request_detail", args=[request.pk])).status_code == 403
    assert client.get(reverse("community:request_list")).status_code == 403


def test_resident_data_is_erased_after_the_retention_period(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "HELP_REQUEST_RETENTION_DAYS": 30}
    volunteer = general_volunteer(world)
    task, offers = sent_task(world, [volunteer], days=0)
    services.task_offer_accept(offer=offers[0])
    services.visit_report(offer=offers[0], visit_id=task.visits.get().pk, done=True)
    services.follow_up_record(
        task=task, by=world.volunteer_coordinator, outcome="went_well", note="Astrid var fornøyd"
    )
    still_open = help_request(world, first_name="Berit")
    request = HelpRequest.objects.get(pk=task.request_id)
    assert request.status == HelpRequest.Status.CLOSED

    # not yet
    assert services.help_requests_erase_closed(now=timezone.now() + dt.timedelta(days=29)) == {}
    request.refresh_from_db()
    assert request.first_name == "Astrid"

    counts = services.help_requests_erase_closed(now=timezone.now() + dt.timedelta(days=31))
    assert counts == {"shopping": 1}
    request.refresh_from_db()
    assert request.erased_at is not None
    for field in services.RESIDENT_FIELDS:
        assert getattr(request, field) == "", field
    assert FollowUp.objects.get().note == ""
    # the anonymous count stays
    assert request.kind == "shopping" and request.district == world.north
    assert request.close_reason == HelpRequest.CloseReason.COMPLETED
    # an open request is kept
    still_open.refresh_from_db()
    assert still_open.first_name == "Berit"
    # and the volunteer's link no longer opens anything
    TaskOffer.objects.filter(pk=offers[0].pk).update(token_hash=token_hash(TOKEN))
    with pytest.raises(Http404):
        task_offer_get_by_token(TOKEN)


def test_the_beat_task_runs_the_erasure(world, settings):
    request = help_request(world)
    services.help_request_close(
        help_request=request, by=world.volunteer_coordinator, reason="not_needed"
    )
    HelpRequest.objects.filter(pk=request.pk).update(
        closed_at=timezone.now()
        - dt.timedelta(days=settings.DUGNAD["HELP_REQUEST_RETENTION_DAYS"] + 1)
    )
    assert help_requests_erase_closed_task.delay().get() == {"shopping": 1}
    request.refresh_from_db()
    assert request.phone == "" and request.erased_at


def test_the_export_never_holds_residents_contact_details(client, world):
    help_request(
        world, relation="relative", requester_name="Nils Nevø", requester_phone="+4793333333"
    )
    client.force_login(world.volunteer_coordinator)
    response = client.get(reverse("community:report_export"))
    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 2
    for secret in ("Astrid", "Storgata", "91111111", "Nils", "93333333", "Kiwi"):
        assert secret not in content
    report = client.get(reverse("community:report")).content.decode()
    assert "Handling" in report
