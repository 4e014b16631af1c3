"""The competence inventory: links, answers that count only once verified, progress and
reminders, and the employee's own availability updates."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inventory import tokens
from inventory.models import Answer, Invitation
from inventory.services import (
    SELF_REPORTED,
    answer_reject,
    answer_save,
    answer_verify,
    inventories_send_pending,
    inventory_invitations_send,
    inventory_remind,
    inventory_reminders_send,
    inventory_start,
)
from matching.adapter import why_not
from outbox.models import Message
from staffing.models import Availability, Worker
from staffing.services import worker_erase
from tests.inventory.factories import LINK_RE, answer_data, link_token, staff, started
from tests.matching.factories import need_with_shifts

pytestmark = pytest.mark.django_db


def _url(token: str) -> str:
    return reverse("inventory_link:answer", kwargs={"token": token})


def _answered(client, world, worker, **overrides):
    token = link_token(worker)
    response = client.post(_url(token), answer_data(world, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Answer.objects.get(invitation__worker=worker)


# --- starting --------------------------------------------------------------------------------


def test_start_invites_every_active_employee_of_the_units_and_sub_units(world):
    in_ward = staff(world, world.ward)
    in_home = staff(world, world.home)
    no_address = staff(world, world.home, email="", phone="")
    staff(world, world.other)
    staff(world, world.home, is_active=False)

    inventory = started(world, units=[world.home])

    invited = set(inventory.invitations.values_list("worker_id", flat=True))
    assert invited == {in_ward.pk, in_home.pk, no_address.pk}
    sent = Message.objects.filter(kind="inventory.invitation")
    assert sorted(sent.values_list("recipient", flat=True)) == sorted(
        [in_ward.email, in_home.email]
    )
    assert inventory.invitations.get(worker=no_address).sent_at is None
    token = link_token(in_ward)
    invitation = inventory.invitations.get(worker=in_ward)
    assert invitation.token_hash == tokens.token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()  # only the hash is kept


def test_only_a_coordinator_starts_an_inventory(world):
    with pytest.raises(PermissionDenied):
        inventory_start(
            title="x",
            units=[world.home],
            valid_until=timezone.localdate(),
            by=world.hr,
        )


def test_start_page_keeps_what_was_typed_when_no_unit_is_chosen(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("inventory:start"),
        {"title": "Kartlegging vår", "valid_until": "", "message": "Hei alle"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Kartlegging vår"' in html and "Hei alle" in html
    assert not Invitation.objects.exists()


def test_start_page_starts_and_redirects_to_progress(
    client, world, django_capture_on_commit_callbacks
):
    worker = staff(world, world.ward)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inventory:start"),
            {
                "title": "Kartlegging",
                "units": [world.home.pk],
                "valid_until": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            },
        )
    invitation = Invitation.objects.get(worker=worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:detail", args=[invitation.inventory_id])


# --- the link --------------------------------------------------------------------------------


def test_a_get_of_the_link_changes_nothing_and_the_page_reports_opened(client, world):
    worker = staff(world)
    started(world)
    token = link_token(worker)
    invitation = Invitation.objects.get(worker=worker)

    response = client.get(_url(token))

    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    invitation.refresh_from_db()
    assert invitation.opened_at is None and not Answer.objects.exists()
    opened_url = reverse("inventory_link:opened", kwargs={"token": token})
    assert opened_url in response.content.decode()  # htmx posts it when a browser shows the page

    assert client.post(opened_url).status_code == 204
    invitation.refresh_from_db()
    assert invitation.opened_at is not None


def test_unknown_tampered_and_expired_links_get_a_clear_page(client, world):
    worker = staff(world)
    inventory = started(world)
    token = link_token(worker)
    invitation = Invitation.objects.get(worker=worker)

    assert client.get(_url("a" * 43)).status_code == 404
    tampered = tokens.link_token(invitation)[:-1] + "0"
    if tampered == tokens.link_token(invitation):
        tampered = tokens.link_token(invitation)[:-1] + "1"
    response = client.get(_url(tampered))
    assert response.status_code == 404
    assert "does not lead to a competence inventory" in response.content.decode() or (
        "fører ikke" in response.content.decode()
    )

    inventory.valid_until = timezone.localdate() - dt.timedelta(days=1)
    inventory.save()
    response = client.get(_url(token))
    assert response.status_code == 410
    response = client.post(_url(token), answer_data(world))
    assert response.status_code == 410
    assert not Answer.objects.exists()


def test_a_link_of_someone_who_left_no_longer_works(client, world):
    worker = staff(world)
    started(world)
    token = link_token(worker)
    Worker.objects.filter(pk=worker.pk).update(is_active=False)
    assert client.get(_url(token)).status_code == 410


def test_an_answer_lands_reported_and_free_capacity_counts_at_once(
    client, world, django_capture_on_commit_callbacks
):
    worker = staff(world)
    started(world)
    with (
        mock.patch("staffing.services.request_matching_resolve") as trigger,
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = _answered(client, world, worker)

    assert answer.status == Answer.Status.REPORTED
    assert list(answer.qualifications.all()) == [world.quals["helsefagarbeider"]]
    worker.refresh_from_db()
    assert not worker.qualifications.exists()  # not verified: not on the worker
    windows = Availability.objects.filter(worker=worker, note=SELF_REPORTED)
    assert windows.count() == 31
    trigger.assert_called_once_with(trigger="worker_available", worker_ids=[worker.pk])
    invitation = answer.invitation
    invitation.refresh_from_db()
    assert invitation.answered_at is not None and invitation.opened_at is not None


def test_a_wrong_answer_keeps_everything_typed(client, world):
    worker = staff(world)
    started(world)
    token = link_token(worker)
    response = client.post(
        _url(token),
        answer_data(world, time_from="", experience="Hjemmesykepleie i ti år", weekdays=["2"]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hjemmesykepleie i ti år" in html
    assert re.search(r'name="weekdays" value="2"[^>]*checked', html)
    assert not Answer.objects.exists()


def test_not_willing_removes_the_self_reported_availability(client, world):
    worker = staff(world)
    started(world)
    _answered(client, world, worker)
    assert Availability.objects.filter(worker=worker).exists()
    _answered(client, world, worker, willing="no")
    assert not Availability.objects.filter(worker=worker, note=SELF_REPORTED).exists()


def test_other_availability_is_left_alone(client, world):
    worker = staff(world)
    other = Availability.objects.create(
        worker=worker,
        start=timezone.now(),
        end=timezone.now() + dt.timedelta(hours=5),
        note="release",
    )
    started(world)
    _answered(client, world, worker, willing="no")
    assert Availability.objects.filter(pk=other.pk).exists()


# --- verification: the rule that keeps unverified competence out of matching -----------------


def test_unverified_qualifications_do_not_count_in_matching_verified_ones_do(client, world):
    worker = staff(world, verified_hpr=True)  # authorised: HPR checked already
    need = need_with_shifts(world, qual="helsefagarbeider", shifts=((3, 7),))
    shift = need.shifts.get()
    started(world)
    answer = _answered(client, world, worker)

    reason = why_not(worker_id=worker.pk, shift_id=shift.pk)
    assert reason is not None and reason.code == "not_qualified"

    answer_verify(
        answer=answer,
        by=world.hr,
        qualifications=answer.qualifications.all(),
        skills=[],
    )

    assert why_not(worker_id=worker.pk, shift_id=shift.pk) is None
    answer.refresh_from_db()
    assert answer.status == Answer.Status.VERIFIED and answer.verified_by == world.hr


def test_verification_adds_only_what_was_ticked(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(
        client,
        world,
        worker,
        qualifications=[world.quals["helsefagarbeider"].pk, world.quals["sykepleier"].pk],
        hpr_number="1234567",
    )
    answer_verify(
        answer=answer,
        by=world.coordinator,
        qualifications=[world.quals["helsefagarbeider"]],
        skills=[],
    )
    worker.refresh_from_db()
    assert list(worker.qualifications.all()) == [world.quals["helsefagarbeider"]]
    assert worker.hpr_number == "1234567" and worker.hpr_verified_at is None
    with pytest.raises(ValidationError):
        answer_verify(answer=answer, by=world.hr, qualifications=[], skills=[])


def test_only_reported_competence_can_be_verified(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    with pytest.raises(ValidationError):
        answer_verify(answer=answer, by=world.hr, qualifications=[world.quals["lege"]], skills=[])
    with pytest.raises(PermissionDenied):
        answer_verify(
            answer=answer, by=world.leader, qualifications=answer.qualifications.all(), skills=[]
        )
    worker.refresh_from_db()
    assert not worker.qualifications.exists()


def test_a_rejected_answer_changes_nothing_and_can_be_reported_again(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    with pytest.raises(ValidationError):
        answer_reject(answer=answer, by=world.hr, note="")
    answer_reject(answer=answer, by=world.hr, note="Fant ikke vitnemål")
    assert not worker.qualifications.exists()
    told = Message.objects.get(kind="inventory.not_verified")
    assert told.recipient == worker.email and "Fant ikke vitnemål" in told.body
    # the message's link (derived) opens the same form to correct the answer
    token = link_token(worker, kind="inventory.not_verified")
    assert client.get(_url(token)).status_code == 200
    answer = _answered(client, world, worker)
    assert answer.status == Answer.Status.REPORTED and answer.verify_note == ""


def test_review_page_verifies(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    client.force_login(world.hr)
    url = reverse("inventory:answer", args=[answer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"decision": "verify", "qualifications": [world.quals["helsefagarbeider"].pk], "note": ""},
    )
    assert response.status_code == 302
    assert list(worker.qualifications.all()) == [world.quals["helsefagarbeider"]]


def test_review_page_reject_without_note_keeps_the_form(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    client.force_login(world.coordinator)
    url = reverse("inventory:answer", args=[answer.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    answer.refresh_from_db()
    assert answer.status == Answer.Status.REPORTED
    client.post(url, {"decision": "reject", "note": "Ukjent utdanning"})
    response = client.post(url, {"decision": "verify", "qualifications": []})
    assert response.status_code == 302  # handled already: nothing changes
    answer.refresh_from_db()
    assert answer.status == Answer.Status.REJECTED


def test_after_verification_the_link_updates_availability_only(
    client, world, django_capture_on_commit_callbacks
):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    answer_verify(answer=answer, by=world.hr, qualifications=answer.qualifications.all(), skills=[])
    with (
        mock.patch("staffing.services.request_matching_resolve") as trigger,
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = _answered(
            client,
            world,
            worker,
            qualifications=[world.quals["lege"].pk],
            weekdays=["1"],
            time_from="08:00",
            time_to="12:00",
        )
    assert answer.status == Answer.Status.VERIFIED
    assert list(answer.qualifications.all()) == [world.quals["helsefagarbeider"]]
    windows = Availability.objects.filter(worker=worker, note=SELF_REPORTED)
    assert windows.exists()
    assert all(w.start.astimezone(tokens_oslo()).isoweekday() == 1 for w in windows)
    trigger.assert_called_once()


def tokens_oslo():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Oslo")


# --- progress and reminders ------------------------------------------------------------------


def test_progress_counts_sent_opened_answered_per_unit(
    client, world, django_assert_max_num_queries
):
    answered = staff(world, world.ward)
    opened = staff(world, world.ward)
    staff(world, world.home)
    staff(world, world.home, email="", phone="")
    inventory = started(world)
    _answered(client, world, answered)
    client.post(reverse("inventory_link:opened", kwargs={"token": link_token(opened)}))

    client.force_login(world.coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("inventory:detail", args=[inventory.pk]))
    assert response.status_code == 200
    rows = {row.unit_name: row for row in response.context["progress"]}
    ward = rows[world.ward.name]
    assert (ward.total, ward.sent, ward.opened, ward.answered) == (2, 2, 2, 1)
    home = rows[world.home.name]
    assert (home.total, home.sent, home.opened, home.answered) == (2, 1, 0, 0)

    response = client.get(reverse("inventory:detail", args=[inventory.pk]), {"state": "answered"})
    assert [i.worker_id for i in response.context["page_obj"]] == [answered.pk]


def test_pages_run_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(8):
        staff(world)
    inventory = started(world)
    for invitation in inventory.invitations.all()[:5]:
        answer_save(
            invitation=invitation,
            data={
                "willing": "yes",
                "capacity": "none",
                "qualifications": [world.quals["assistent"]],
            },
        )
    client.force_login(world.hr)
    for url in (
        reverse("inventory:list"),
        reverse("inventory:detail", args=[inventory.pk]),
        reverse("inventory:queue"),
    ):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_remind_reaches_only_those_who_have_not_answered_once_per_round(client, world):
    answered = staff(world)
    waiting = staff(world)
    staff(world, email="", phone="")
    inventory = started(world)
    _answered(client, world, answered)

    assert inventory_remind(inventory=inventory, by=world.coordinator, round_no=1) == 1
    assert inventory_remind(inventory=inventory, by=world.coordinator, round_no=1) == 0
    assert inventory_reminders_send(inventory_id=inventory.pk, round_no=1) == 1
    assert inventory_reminders_send(inventory_id=inventory.pk, round_no=1) == 0  # a rerun
    reminders = Message.objects.filter(kind="inventory.reminder")
    assert list(reminders.values_list("recipient", flat=True)) == [waiting.email]

    # The reminder's link (derived from the stored hash) opens the same invitation.
    token = link_token(waiting, kind="inventory.reminder")
    assert client.get(_url(token)).status_code == 200
    client.post(_url(token), answer_data(world))
    assert Invitation.objects.get(worker=waiting).answered_at is not None

    assert inventory_remind(inventory=inventory, by=world.coordinator, round_no=2) == 0
    inventory_reminders_send(inventory_id=inventory.pk, round_no=2)
    assert reminders.count() == 1


def test_remind_button_twice_sends_one_round(client, world, django_capture_on_commit_callbacks):
    staff(world)
    inventory = started(world)
    client.force_login(world.coordinator)
    url = reverse("inventory:remind", args=[inventory.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"round": "1"})
        client.post(url, {"round": "1"})
    assert Message.objects.filter(kind="inventory.reminder").count() == 1
    inventory.refresh_from_db()
    assert inventory.reminder_round == 1
    response = client.post(url, {"round": "x"}, follow=True)
    assert response.status_code == 200


def test_erasure_removes_the_persons_invitations(client, world):
    worker = staff(world)
    started(world)
    _answered(client, world, worker)
    worker_erase(worker_id=worker.pk)
    assert not Invitation.objects.filter(worker=worker).exists()
    assert not Answer.objects.exists()


def test_the_same_availability_again_asks_for_no_run(
    client, world, django_capture_on_commit_callbacks
):
    worker = staff(world)
    started(world)
    _answered(client, world, worker)
    with (
        mock.patch("staffing.services.request_matching_run") as trigger,
        mock.patch("staffing.services.request_matching_resolve") as resolve,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _answered(client, world, worker, experience="Endret bare teksten")
    trigger.assert_not_called()
    resolve.assert_not_called()


def test_coordinators_and_hr_find_the_inventories_in_the_navigation(client, world):
    for user in (world.coordinator, world.hr):
        client.force_login(user)
        assert reverse("inventory:list") in client.get(reverse("inventory:list")).content.decode()
    client.force_login(world.leader)
    response = client.get(reverse("needs:list"))
    assert f'href="{reverse("inventory:list")}"' not in response.content.decode()


def test_the_person_page_shows_reported_competence_as_not_verified(client, world):
    worker = staff(world)
    started(world)
    answer = _answered(client, world, worker)
    client.force_login(world.coordinator)
    response = client.get(reverse("resources:person", args=[worker.pk]))
    html = response.content.decode()
    assert f'data-answer="{answer.pk}"' in html
    assert "Rapportert, ikke kontrollert" in html or "Reported, not verified" in html


def test_links_go_out_in_batches_once_even_when_the_task_runs_again(world, settings):
    import inventory.services as services

    workers = [staff(world) for _ in range(5)]
    inventory = inventory_start(
        title="Stor kartlegging",
        units=[world.home],
        valid_until=timezone.localdate() + dt.timedelta(days=7),
        by=world.coordinator,
    )
    assert not Invitation.objects.exists()  # the request only starts it
    with mock.patch.object(services, "BATCH", 2):
        assert inventory_invitations_send(inventory_id=inventory.pk) == 5
    assert inventory_invitations_send(inventory_id=inventory.pk) == 0
    assert inventories_send_pending() == 0
    assert Message.objects.filter(kind="inventory.invitation").count() == len(workers)
    inventory.refresh_from_db()
    assert inventory.invitations_sent_at is not None


def test_beat_catches_up_on_an_inventory_whose_task_never_ran(world):
    staff(world)
    inventory = inventory_start(
        title="Kartlegging",
        units=[world.home],
        valid_until=timezone.localdate() + dt.timedelta(days=7),
        by=world.coordinator,
    )
    assert inventories_send_pending() == 1
    assert inventory.invitations.count() == 1


def test_a_person_who_chose_sms_gets_the_link_by_sms_within_two_segments(client, world):
    from outbox.sms import MAX_SEGMENTS, sms_segments

    by_sms = staff(world, email="", phone="912 34 567")
    both = staff(world, contact_channel="both", phone="+47 913 45 678")
    inventory = started(world, title="Æ" * 150)  # a long title stays out of the SMS

    sms = Message.objects.filter(kind="inventory.invitation", channel="sms")
    assert sorted(sms.values_list("recipient", flat=True)) == ["+4791234567", "+4791345678"]
    assert Message.objects.filter(
        kind="inventory.invitation", channel="email", recipient=both.email
    ).exists()
    for message in sms:
        counted = sms_segments(message.body)
        assert counted.encoding == "GSM-7" and counted.segments <= MAX_SEGMENTS, message.body
        token = LINK_RE.search(message.body).group(1)
        assert client.get(_url(token)).status_code == 200
    assert inventory.invitations.get(worker=by_sms).sent_at is not None

    assert inventory_remind(inventory=inventory, by=world.coordinator, round_no=1) == 2
    inventory_reminders_send(inventory_id=inventory.pk, round_no=1)
    reminders = Message.objects.filter(kind="inventory.reminder", channel="sms")
    assert reminders.count() == 2
    assert all(sms_segments(m.body).segments <= MAX_SEGMENTS for m in reminders)


def test_the_link_comes_in_the_persons_language(world):
    english = staff(world, language="en")
    norwegian = staff(world)
    started(world)
    to_english = Message.objects.get(kind="inventory.invitation", recipient=english.email)
    to_norwegian = Message.objects.get(kind="inventory.invitation", recipient=norwegian.email)
    assert to_english.language == "en" and "Your personal link" in to_english.body
    assert to_norwegian.language == "nb" and "Din personlige lenke" in to_norwegian.body


def test_a_lost_link_is_sent_again_and_opens_the_same_answer(client, world):
    worker = staff(world)
    inventory = started(world)
    _answered(client, world, worker)
    invitation = inventory.invitations.get(worker=worker)
    client.force_login(world.hr)
    response = client.post(reverse("inventory:resend", args=[invitation.pk]))
    assert response.status_code == 302
    message = Message.objects.get(kind="inventory.resend")
    assert message.recipient == worker.email
    client.logout()
    token = link_token(worker, kind="inventory.resend")
    response = client.get(_url(token))
    assert response.status_code == 200
    assert 'data-answer-status="reported"' in response.content.decode()


def test_resending_to_someone_without_any_address_sends_nothing(client, world):
    worker = staff(world, email="", phone="")
    inventory = started(world)
    invitation = inventory.invitations.get(worker=worker)
    client.force_login(world.coordinator)
    response = client.post(reverse("inventory:resend", args=[invitation.pk]), follow=True)
    assert response.status_code == 200
    assert not Message.objects.filter(kind="inventory.resend").exists()
    invitation.refresh_from_db()
    assert invitation.sent_at is None
