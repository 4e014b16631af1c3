"""Offers by SMS: the person's channel choice, JA/NEI answers by signed webhook, short codes
when several offers wait, answers that come too late or twice, SMS within two segments, and
failed deliveries shown to the coordinator."""

import datetime as dt
import re
import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import MatchingRun, Offer, Proposal
from matching.offer_messages import offer_addresses
from matching.offer_sms import parse_answer
from matching.offers import offer_send, offer_withdraw
from matching.selectors import offers_for_need
from outbox import services as outbox_services
from outbox.models import InboundMessage, Message
from outbox.sms import MAX_SEGMENTS, sms_segments, sms_text
from outbox.webhooks import twilio_signature
from placements.models import Placement
from staffing.models import ContactChannel, WorkerSource
from tests.matching.factories import employee, need_with_shifts, proposal_in_home
from tests.staffing.factories import AgencyFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

TOKEN = "test-auth-token"
NUMBER = "+4791234567"


@pytest.fixture(autouse=True)
def _signed(settings):
    settings.DUGNAD = {**settings.DUGNAD, "SMS_AUTH_TOKEN": TOKEN}
    settings.SITE_URL = "https://dugnad.example"


def _reply(client, body: str, *, sender: str = NUMBER, sid: str | None = None):
    from django.conf import settings

    params = {
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
        "From": sender,
        "To": "+4759440000",
        "Body": body,
    }
    url = reverse("sms-inbound")
    signature = twilio_signature(url=settings.SITE_URL + url, params=params, token=TOKEN)
    response = client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    return Message.objects.filter(kind="outbox.sms_reply").order_by("-pk").first()


def _sms_worker(world, channel=ContactChannel.SMS, phone="912 34 567", **kwargs):
    return employee(world, phone=phone, contact_channel=channel, **kwargs)


def _offer(world, worker=None, day: int = 3) -> Offer:
    """An offer for a shift `day` days ahead (one person's offers on different days)."""
    worker = worker or _sms_worker(world)
    need = need_with_shifts(world, shifts=((day, 7),))
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    proposal = Proposal.objects.create(run=run, shift=need.shifts.get(), worker=worker)
    sent, errors = offer_send(proposals=[proposal], by=world.coordinator)
    assert not errors, errors
    return sent[0]


# --- the person's choice ---------------------------------------------------------------------


def test_an_offer_goes_by_sms_only_to_a_person_who_chose_sms(world):
    offer = _offer(world)

    assert offer.channel == Offer.Channel.SMS
    assert (offer.recipient, offer.phone) == ("", NUMBER)
    message = Message.objects.get(kind="matching.offer")
    assert message.channel == "sms" and message.recipient == NUMBER
    assert offer.code in message.body and "/offer/" in message.body
    assert message.idempotency_key == f"matching.offer:{offer.pk}:sms"


def test_an_offer_goes_both_ways_to_a_person_who_chose_both(world):
    offer = _offer(world, worker=_sms_worker(world, channel=ContactChannel.BOTH))

    assert offer.channel == Offer.Channel.BOTH
    channels = sorted(
        Message.objects.filter(kind="matching.offer").values_list("channel", flat=True)
    )
    assert channels == ["email", "sms"]
    # the same link in both
    links = {
        re.search(r"/offer/([A-Za-z0-9_-]+)/", m.body).group(1)
        for m in Message.objects.filter(kind="matching.offer")
    }
    assert len(links) == 1


def test_an_offer_goes_by_email_to_a_person_who_chose_email(world):
    offer = _offer(world, worker=_sms_worker(world, channel=ContactChannel.EMAIL))
    assert offer.channel == Offer.Channel.EMAIL and offer.phone == ""
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


def test_sms_is_used_when_the_person_has_no_email_address(world):
    worker = _sms_worker(world, channel=ContactChannel.EMAIL, email="")
    offer = _offer(world, worker=worker)
    assert offer.channel == Offer.Channel.SMS
    assert Message.objects.get(kind="matching.offer").channel == "sms"


def test_a_person_without_address_or_number_gets_no_offer_and_the_coordinator_is_told(world):
    worker = _sms_worker(world, email="", phone="ring resepsjonen")
    proposal = proposal_in_home(world, worker=worker)
    sent, errors = offer_send(proposals=[proposal], by=world.coordinator)
    assert sent == [] and "mobilnummer" in errors[0]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED
    assert not Message.objects.exists()


def test_an_agency_temps_offer_goes_by_email_to_the_agency_whatever_the_temps_choice(world):
    agency = AgencyFactory(contact_email="bemanning@byraa.example")
    worker = _sms_worker(world, agency=agency)
    worker.source = WorkerSource.AGENCY
    worker.save()
    assert offer_addresses(worker) == ("email", "bemanning@byraa.example", "")


def test_a_volunteer_gets_the_sms_in_their_language(world):
    worker = _sms_worker(world)
    worker.source = WorkerSource.VOLUNTEER
    worker.save()
    VolunteerFactory(worker=worker, language="en")
    _offer(world, worker=worker)
    body = Message.objects.get(kind="matching.offer").body
    assert body.startswith("Dugnad: Can you take a shift?") and "Reply YES or NO" in body


def test_the_confirmation_and_the_withdrawal_follow_the_offers_channels(world, client):
    accepted = _offer(world, worker=_sms_worker(world, channel=ContactChannel.BOTH))
    other = _offer(world, worker=_sms_worker(world, channel=ContactChannel.BOTH, phone="41234567"))

    _reply(client, "JA")
    offer_withdraw(offer=other, by=world.coordinator)

    accepted.refresh_from_db()
    assert accepted.status == Offer.Status.ACCEPTED
    accepted = Message.objects.filter(kind="matching.offer_accepted")
    assert sorted(accepted.values_list("channel", flat=True)) == ["email", "sms"]
    assert accepted.get(channel="sms").recipient == NUMBER
    withdrawn = Message.objects.filter(kind="matching.offer_withdrawn")
    assert sorted(withdrawn.values_list("channel", flat=True)) == ["email", "sms"]
    assert withdrawn.get(channel="sms").recipient == "+4741234567"


# --- answering by SMS ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JA", ("yes", None)),
        (" ja ", ("yes", None)),
        ("Ja.", ("yes", None)),
        ("yes", ("yes", None)),
        ("NEI", ("no", None)),
        ("nei takk", ("no", None)),
        ("Ja takk!", ("yes", None)),
        ("No", ("no", None)),
        ("ja k7m2p", ("yes", "K7M2P")),
        ("K7M2P NEI", ("no", "K7M2P")),
        ("kanskje", (None, None)),
        ("", (None, None)),
        ("JA NEI", ("yes", None)),
    ],
)
def test_answers_are_read_whatever_the_case_and_spacing(text, expected):
    answer, code = parse_answer(text)
    if text == "JA NEI":  # two answers in one: not an answer
        assert answer is None
        return
    assert (answer, code) == expected


@pytest.mark.parametrize("text", ["JA", " ja\n", "Yes", "y"])
def test_yes_by_sms_places_the_person(world, client, text):
    offer = _offer(world)

    reply = _reply(client, text)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert Placement.objects.filter(worker=offer.worker).exists()
    assert reply is None  # the confirmation is the reply
    confirmation = Message.objects.get(kind="matching.offer_accepted")
    assert confirmation.channel == "sms" and "HR will contact you" not in confirmation.body
    assert "HR kontakter deg" in confirmation.body or "Takk" in confirmation.body
    record = InboundMessage.objects.get()
    assert (record.handled_by, record.result) == ("offers", "offer_accepted")
    assert record.text == f"yes {offer.code}"


@pytest.mark.parametrize("text", ["NEI", "nei", " No "])
def test_no_by_sms_sends_the_slot_back_to_matching(world, client, text):
    offer = _offer(world)

    reply = _reply(client, text)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert offer.proposal.status == Proposal.Status.REJECTED
    assert not Placement.objects.exists()
    assert reply.recipient == NUMBER and "nei" in reply.body.lower()


def test_with_several_offers_waiting_the_code_is_asked_for_and_nothing_changes(world, client):
    first = _offer(world)
    second = _offer(world, worker=first.worker, day=5)

    reply = _reply(client, "JA")

    assert set(Offer.objects.values_list("status", flat=True)) == {"pending"}
    assert first.code in reply.body and second.code in reply.body
    assert sms_segments(reply.body).segments <= MAX_SEGMENTS

    _reply(client, f"ja {second.code.lower()}")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("pending", "accepted")


def test_an_unknown_code_changes_nothing(world, client):
    offer = _offer(world)
    reply = _reply(client, "JA ZZZZZ")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert "ZZZZZ" in reply.body


def test_text_that_is_not_an_answer_gets_a_polite_reply_and_changes_nothing(world, client):
    offer = _offer(world)
    reply = _reply(client, "Hvem er dette? Jeg heter Kari og bor i Storgata 5")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert offer.code in reply.body
    record = InboundMessage.objects.get()
    assert record.outcome == "not_understood" and record.text == ""
    assert "Kari" not in str(InboundMessage.objects.values())


def test_an_answer_after_the_deadline_gets_a_clear_reply_and_changes_nothing(world, client):
    offer = _offer(world)
    Offer.objects.filter(pk=offer.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))

    reply = _reply(client, "JA")

    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING  # expiry is the job's; nothing changed here
    assert not Placement.objects.exists()
    assert "deadline" in reply.body.lower() or "fristen" in reply.body.lower()


def test_an_answer_to_a_withdrawn_offer_gets_a_clear_reply(world, client):
    offer = _offer(world)
    offer_withdraw(offer=offer, by=world.coordinator)

    reply = _reply(client, "JA")

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert not Placement.objects.exists()
    assert "trukket" in reply.body or "withdrawn" in reply.body


def test_a_second_answer_changes_nothing(world, client):
    offer = _offer(world)
    _reply(client, "JA")
    reply = _reply(client, "NEI")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert Placement.objects.count() == 1
    assert reply is not None and offer.code in reply.body


def test_an_answer_from_an_unknown_number_changes_nothing(world, client):
    offer = _offer(world)
    reply = _reply(client, "JA", sender="+4799999999")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert reply.recipient == "+4799999999"
    assert InboundMessage.objects.get().outcome == "unknown_sender"


def test_an_offer_sent_by_email_only_cannot_be_answered_by_sms(world, client):
    offer = _offer(world, worker=_sms_worker(world, channel=ContactChannel.EMAIL))
    _reply(client, "JA")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


# --- the texts -------------------------------------------------------------------------------


def _worst_case_context(world):
    """The longest things an SMS can carry: a unit name and qualification at their full
    length, a long site address and a token of the real length."""
    from django.conf import settings

    worker = _sms_worker(world)
    proposal = proposal_in_home(world, worker=worker)
    need = proposal.shift.need
    need.unit.name = "Æ" * 150
    need.qualification.name = "Ø" * 100
    offer = Offer(
        worker=worker,
        shift=proposal.shift,
        code="K7M2P",
        deadline=timezone.now() + dt.timedelta(hours=23),
        sent_at=timezone.now(),
    )
    settings.SITE_URL = "https://dugnad.lillehammer-kommune.example"
    url = settings.SITE_URL + reverse("offers:answer", kwargs={"token": "x" * 43})
    return {
        "offer": offer,
        "worker": worker,
        "shift": proposal.shift,
        "need": need,
        "unit": need.unit,
        "contact": world.leader,
        "for_agency": False,
        "url": url,
        "placement": None,
    }


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("template", ["offer", "offer_accepted", "offer_withdrawn"])
def test_every_sms_template_fits_in_two_segments(world, language, template):
    context = _worst_case_context(world)
    with translation.override(language):
        text = sms_text(render_to_string(f"matching/sms/{template}.txt", context))
    counted = sms_segments(text)
    assert counted.encoding == "GSM-7", text
    assert 0 < counted.segments <= MAX_SEGMENTS, (counted, text)
    if template == "offer":
        assert "K7M2P" in text and context["url"] in text


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_sms_reply_fits_in_two_segments(world, client, language):
    worker = _sms_worker(world)
    worker.source = WorkerSource.VOLUNTEER
    worker.save()
    VolunteerFactory(worker=worker, language=language)
    offers = [_offer(world, worker=worker, day=3 + 2 * i) for i in range(4)]
    type(world.home).objects.filter(pk=world.home.pk).update(name="Æ" * 150)
    replies = [
        _reply(client, "JA"),  # code needed, three listed
        _reply(client, "kanskje"),
        _reply(client, "JA ZZZZZ"),
        _reply(client, f"NEI {offers[0].code}"),
        _reply(client, f"NEI {offers[0].code}"),  # answered already
    ]
    for reply in replies:
        counted = sms_segments(reply.body)
        assert counted.segments <= MAX_SEGMENTS, reply.body
        assert reply.language == language
    unknown = _reply(client, "JA", sender="+4799999999")
    assert sms_segments(unknown.body).segments <= MAX_SEGMENTS


def test_the_bokmaal_offer_sms_is_in_bokmaal(world):
    _offer(world)
    body = Message.objects.get(kind="matching.offer").body
    assert body.startswith("Dugnad: Kan du ta en vakt?") and "Svar JA eller NEI" in body


# --- what the coordinator sees ---------------------------------------------------------------


def test_a_failed_sms_is_shown_on_the_offer_to_the_coordinator(world, client):
    offer = _offer(world)
    message = Message.objects.get(kind="matching.offer")
    outbox_services.message_send(message_id=message.pk)
    message.refresh_from_db()
    outbox_services.message_delivery_update(
        channel="sms", external_id=message.external_id, status="failed", error="error 30003"
    )
    [shown] = offers_for_need(offer.shift.need)
    assert [d.state for d in shown.deliveries] == ["failed"]
    assert shown.delivery_failed[0].error == "error 30003"

    client.force_login(world.coordinator)
    response = client.get(reverse("matching:index"))
    assert response.status_code == 200
    assert b"delivery-failed" in response.content
    assert b'href="tel:' in response.content


def test_a_delivered_sms_shows_no_failure(world, client):
    offer = _offer(world)
    message = Message.objects.get(kind="matching.offer")
    outbox_services.message_send(message_id=message.pk)
    message.refresh_from_db()
    outbox_services.message_delivery_update(
        channel="sms", external_id=message.external_id, status="delivered"
    )
    [shown] = offers_for_need(offer.shift.need)
    assert [d.state for d in shown.deliveries] == ["delivered"] and shown.delivery_failed == []
    client.force_login(world.coordinator)
    assert b"delivery-failed" not in client.get(reverse("matching:index")).content


# --- outages and the demo --------------------------------------------------------------------


def test_offers_sent_while_the_broker_is_down_keep_their_sms_and_send_it_later(world):
    from unittest import mock

    from django.core.management import call_command
    from kombu.exceptions import OperationalError

    from config.celery import app
    from outbox.backends import MemorySmsBackend
    from outbox.tasks import message_send

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with mock.patch.object(
            message_send, "apply_async", side_effect=OperationalError("Connection refused")
        ):
            offer = _offer(world)
    finally:
        app.conf.task_always_eager = previous
    assert offer.status == Offer.Status.PENDING  # the coordinator's send succeeded
    message = Message.objects.get(kind="matching.offer")
    assert message.status == Message.Status.QUEUED and MemorySmsBackend.outbox == []

    call_command("outbox_flush")

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert [number for number, _body in MemorySmsBackend.outbox] == [NUMBER]


def test_the_demo_can_play_an_incoming_sms_from_the_command_line(world):
    from io import StringIO

    from django.core.management import call_command

    offer = _offer(world)
    out = StringIO()
    call_command("sms_receive", "912 34 567", "nei", "takk", stdout=out)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    assert "offers: offer_declined" in out.getvalue()
    assert "91234567" not in out.getvalue()


def test_with_redis_down_the_coordinator_sends_an_offer_and_its_sms_leaves_later(
    client, world, settings, django_capture_on_commit_callbacks
):
    """Broker and cache on a closed port (as tests/test_redis_down.py): the offer is saved,
    its SMS waits in the outbox (pacing falls back to local memory), and leaves once the
    flush runs."""
    from django.core.management import call_command

    from outbox.backends import MemorySmsBackend
    from tests.test_redis_down import CLOSED

    proposal = proposal_in_home(world, worker=_sms_worker(world))
    closed = _redis_down_context(settings, CLOSED)
    next(closed)
    try:
        client.force_login(world.coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("matching:offer", kwargs={"pk": proposal.pk}))
    finally:
        next(closed, None)
    assert response.status_code == 302
    offer = Offer.objects.get(proposal=proposal)
    message = Message.objects.get(kind="matching.offer")
    assert message.status == Message.Status.QUEUED and MemorySmsBackend.outbox == []

    call_command("outbox_flush")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert MemorySmsBackend.outbox[0][0] == offer.phone == NUMBER


def _redis_down_context(settings, closed_url):
    from config.celery import app

    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": closed_url}
    }
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = closed_url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None


def test_an_sms_the_outbox_gave_up_on_is_shown_as_not_delivered(world):
    offer = _offer(world)
    Message.objects.filter(kind="matching.offer").update(
        status=Message.Status.FAILED, last_error="ConnectionError: HTTP 503"
    )
    [shown] = offers_for_need(offer.shift.need)
    assert [(d.channel, d.state) for d in shown.delivery_failed] == [("sms", "failed")]
    # the reason shown is ours, not the provider's text (it may quote the number)
    assert "503" not in str(shown.delivery_failed[0].error)


def test_a_failed_sms_shows_on_the_needs_slot_to_the_coordinator_not_the_leader(world, client):
    offer = _offer(world)
    message = Message.objects.get(kind="matching.offer")
    outbox_services.message_send(message_id=message.pk)
    message.refresh_from_db()
    outbox_services.message_delivery_update(
        channel="sms", external_id=message.external_id, status="failed", error="error 30006"
    )
    url = reverse("needs:detail", kwargs={"pk": offer.shift.need_id})

    client.force_login(world.coordinator)
    page = client.get(url).content.decode()
    assert page.count("delivery-failed") == 1  # the waiting offer's slot row
    assert "error 30006" in page

    client.force_login(world.leader)
    page = client.get(url)
    assert page.status_code == 200 and b"delivery-failed" not in page.content
