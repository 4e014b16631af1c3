"""Reminders before the first shift and the day before each shift, and the messages when a
shift changes or is cancelled: through the outbox, in the person's language, once."""

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Offer
from matching.offers import offer_accept
from matching.reminders import shift_reminders_send
from needs import services as need_services
from outbox.models import Message
from staffing.models import WorkerSource
from tests.matching.factories import OSLO, at, employee, need_with_shifts, offer_sent
from tests.staffing.factories import AgencyFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _placed(world, *, days=3, worker=None, shifts=None):
    """A person who said yes to the first shift of a need (and is then placed on the rest)."""
    from matching.models import MatchingRun, Proposal

    need = need_with_shifts(world, shifts=shifts or ((days, 7),))
    worker = worker or employee(world)
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    placement = None
    for shift in need.shifts.order_by("start"):
        proposal = Proposal.objects.create(run=run, shift=shift, worker=worker)
        offer, _token = offer_sent(world, proposal=proposal)
        assert offer_accept(offer=offer).outcome == "accepted"
        placement = Offer.objects.get(pk=offer.pk).placement
    return need, worker, placement


def _reminders(kind=None):
    rows = Message.objects.filter(kind__startswith="matching.reminder_")
    if kind:
        rows = rows.filter(kind=f"matching.reminder_{kind}")
    return rows


def test_a_reminder_goes_before_the_first_shift_once(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    _need, worker, _placement = _placed(world, days=1)

    assert shift_reminders_send() == 1
    assert shift_reminders_send() == 0  # idempotent per person and shift

    message = _reminders("first").get()
    assert message.recipient == worker.email
    assert "Nordtun sykehjem" in message.body


def test_no_reminder_while_the_first_shift_is_far_off(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    _placed(world, days=6)

    assert shift_reminders_send() == 0
    assert not _reminders().exists()


def test_the_day_before_each_shift_from_the_set_hour(world, settings):
    settings.DUGNAD = {
        **settings.DUGNAD,
        "REMINDER_FIRST_SHIFT_HOURS": 0,
        "REMINDER_DAY_BEFORE_HOUR": 16,
    }
    _need, worker, _placement = _placed(world, shifts=((1, 7), (2, 7)))
    today = timezone.localdate()
    morning = dt.datetime.combine(today, dt.time(9, 0), OSLO)
    afternoon = dt.datetime.combine(today, dt.time(17, 0), OSLO)

    assert shift_reminders_send(now=morning) == 0  # before the hour
    assert shift_reminders_send(now=afternoon) == 1  # tomorrow's shift only
    assert shift_reminders_send(now=afternoon + dt.timedelta(hours=2)) == 0
    assert shift_reminders_send(now=afternoon + dt.timedelta(days=1)) == 1  # the next one

    assert _reminders("day_before").count() == 2
    assert set(_reminders().values_list("recipient", flat=True)) == {worker.email}


def test_reminders_are_in_the_persons_language(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    worker = employee(world)
    worker.source = WorkerSource.VOLUNTEER
    worker.save()
    VolunteerFactory(worker=worker, language="en")
    _placed(world, days=1, worker=worker)

    shift_reminders_send()

    message = _reminders("first").get()
    assert message.language == "en" and "Your first shift" in message.subject


def test_an_agency_temps_reminder_goes_to_the_agency(world, settings, monkeypatch):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    monkeypatch.setattr("matching.offers.adapter_why_not", lambda **kw: None)
    agency = AgencyFactory(contact_email="vakt@byraa.example")
    temp = employee(world, agency=agency)
    temp.source = WorkerSource.AGENCY
    temp.save()
    _placed(world, days=1, worker=temp)

    shift_reminders_send()

    assert _reminders("first").get().recipient == "vakt@byraa.example"


def test_no_reminder_for_a_cancelled_shift(world, settings):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    need, _worker, _placement = _placed(world, days=1)
    need_services.need_cancel(need=need, by=world.leader, reason="Ikke behov lenger")

    assert shift_reminders_send() == 0


# --- changes ------------------------------------------------------------------------------------


def test_a_changed_shift_withdraws_the_waiting_offer_and_tells_the_person(
    world, django_capture_on_commit_callbacks
):
    offer, _token = offer_sent(world)
    shift = offer.shift
    start = at(4, 9)

    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_shifts_update(
            need=shift.need,
            by=world.leader,
            rows=[need_services.ShiftChange(shift.pk, start, start + dt.timedelta(hours=8), 1)],
        )

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    told = Message.objects.get(kind="matching.offer_withdrawn")
    assert told.recipient == offer.recipient
    assert "endret eller avlyst" in told.body or "changed or cancelled" in told.body


def test_an_offer_for_a_full_shift_is_not_sent(world):
    from matching.models import MatchingRun, Proposal
    from matching.offers import offer_send

    need, _worker, _placement = _placed(world, days=3)
    proposal = Proposal.objects.create(
        run=MatchingRun.objects.first(), shift=need.shifts.get(), worker=employee(world)
    )

    sent, errors = offer_send(proposals=[proposal], by=world.coordinator)

    assert sent == [] and len(errors) == 1
    assert Offer.objects.filter(worker=proposal.worker).count() == 0


def test_a_cancelled_need_tells_the_people_placed_and_those_asked(
    world, django_capture_on_commit_callbacks
):
    from matching.models import MatchingRun, Proposal
    from tests.matching.factories import ShiftFactory

    need, placed, _placement = _placed(world, days=3)
    later = ShiftFactory(need=need, start=at(5, 7), end=at(5, 15))
    asked, _token = offer_sent(
        world,
        proposal=Proposal.objects.create(
            run=MatchingRun.objects.first(), shift=later, worker=employee(world)
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_cancel(need=need, by=world.leader, reason="Utbruddet er over")

    told = Message.objects.get(kind="matching.shifts_cancelled")
    assert told.recipient == placed.email
    assert "Utbruddet er over" in told.body
    assert "avsluttet" in told.body or "has ended" in told.body
    assert Message.objects.get(kind="matching.offer_withdrawn").recipient == asked.recipient


# --- by SMS, for those who chose it --------------------------------------------------------------


def _sms_only(world):
    worker = employee(world, phone="+4791234567")
    worker.email = ""
    worker.save()
    return worker


def test_reminders_and_cancellations_go_by_sms_to_those_who_chose_it(
    world, settings, django_capture_on_commit_callbacks
):
    settings.DUGNAD = {**settings.DUGNAD, "REMINDER_DAY_BEFORE_HOUR": -1}
    worker = _sms_only(world)
    need, _worker, _placement = _placed(world, days=1, worker=worker)

    assert shift_reminders_send() == 1
    assert shift_reminders_send() == 0
    reminder = _reminders("first").get()
    assert reminder.channel == Message.Channel.SMS and reminder.recipient.endswith("91234567")

    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_cancel(need=need, by=world.leader, reason="Avlyst")
    told = Message.objects.get(kind="matching.shifts_cancelled")
    assert told.channel == Message.Channel.SMS


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("template", ["shift_reminder", "shifts_cancelled"])
def test_the_sms_of_reminders_and_cancellations_fit_in_two_segments(world, language, template):
    from django.template.loader import render_to_string
    from django.utils import translation

    from outbox.sms import MAX_SEGMENTS, sms_segments, sms_text

    need, worker, _placement = _placed(world, shifts=((3, 7), (4, 7)))
    world.home.name = "Æ" * 150
    world.home.address = "Ø" * 150
    world.home.save()
    shifts = list(_placement_shifts(worker))
    context = {
        "kind": "first" if template == "shift_reminder" else "",
        "worker": worker,
        "shift": shifts[0],
        "first": shifts[0],
        "shifts": shifts,
        "need": need,
        "unit": world.home,
        "ended": True,
        "reason": "R" * 300,
    }
    for kind in ("first", "day_before"):
        context["kind"] = kind
        with translation.override(language):
            text = sms_text(render_to_string(f"matching/sms/{template}.txt", context))
        counted = sms_segments(text)
        assert 0 < counted.segments <= MAX_SEGMENTS, (counted, text)


def _placement_shifts(worker):
    from placements.models import PlacementShift

    return PlacementShift.objects.filter(worker=worker).order_by("start")
