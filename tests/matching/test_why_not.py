""" "Why not this person?" and assignment by hand, with every hard rule checked and an
exception by policy recorded."""

import pytest
from django.urls import reverse

from matching.models import Proposal, ProposalRejection
from matching.services import worker_assign
from placements.models import Placement
from staffing.models import AuditEntry
from tests.matching.factories import employee, need_with_shifts

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shift(world):
    return need_with_shifts(world, shifts=((2, 7),)).shifts.get()


def _ask(client, world, shift, q, **extra):
    client.force_login(world.coordinator)
    return client.post(reverse("matching:why_not"), {"q": q, "shift": shift.pk}, **extra)


def test_why_not_names_the_rule_that_stops_a_named_person(client, world, shift):
    employee(world, "assistent", first_name="Ufaglært", last_name="Olsen")
    response = _ask(client, world, shift, "Ufaglært Olsen", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ufaglært Olsen" in html
    # the qualification rule, in the reader's words
    assert 'class="rule"' in html and "helsefagarbeider" in html
    # a legal rule gives no way to assign
    assert "assign-form" not in html


def test_why_not_names_the_working_time_rule(client, world, shift):
    worker = employee(world, first_name="Trøtt", last_name="Hansen")
    night = need_with_shifts(world, unit=world.ward, shifts=((1, 23),))
    from matching.services import proposal_approve
    from tests.matching.test_in_place import _proposal

    proposal_approve(proposal=_proposal(night.shifts.get(), worker), by=world.coordinator)
    html = _ask(client, world, shift, "Trøtt", **HTMX).content.decode()
    from django.utils import translation

    from matching.adapter import Reason
    from matching.explain import reason_text

    with translation.override("nb"):
        expected = reason_text(Reason("rest", {"hours": 11.0}))
    assert f'<li class="rule">{expected}</li>' in html


def test_a_free_person_may_be_assigned_after_saying_yes(client, world, shift):
    worker = employee(world, first_name="Ledig", last_name="Larsen")
    html = _ask(client, world, shift, "Ledig", **HTMX).content.decode()
    assert "assign-form" in html
    url = reverse("matching:assign", args=[shift.pk])
    # without the yes: nothing happens
    response = client.post(url, {"worker": worker.pk}, **HTMX)
    assert 'class="message error"' in response.content.decode()
    assert not Placement.objects.exists()
    response = client.post(url, {"worker": worker.pk, "said_yes": "on"}, **HTMX)
    assert 'class="message success"' in response.content.decode()
    placement = Placement.objects.get()
    assert placement.worker == worker and placement.approved_by == world.coordinator
    assert Proposal.objects.get(worker=worker).status == Proposal.Status.APPROVED


def test_an_exception_by_policy_needs_a_reason_and_is_audited(client, world, shift):
    worker = employee(world, available=False, first_name="Ikke", last_name="Oppgitt")
    ProposalRejection.objects.create(worker=worker, shift=shift, reason="før", rejected_by=None)
    html = _ask(client, world, shift, "Oppgitt", **HTMX).content.decode()
    assert html.count('class="rule"') == 2  # not free then, and rejected: both shown
    assert "override_reason" in html
    url = reverse("matching:assign", args=[shift.pk])
    client.post(url, {"worker": worker.pk, "said_yes": "on"}, **HTMX)
    assert not Placement.objects.exists()
    response = client.post(
        url,
        {"worker": worker.pk, "said_yes": "on", "override_reason": "Ringte, kan likevel"},
        **HTMX,
    )
    assert 'class="message success"' in response.content.decode()
    placement = Placement.objects.get()
    entry = AuditEntry.objects.get(field="rule_overridden")
    assert entry.object_id == placement.pk and entry.actor == world.coordinator
    assert entry.old_value == "not_available,rejected"
    assert entry.new_value == "Ringte, kan likevel"


def test_never_past_a_legal_limit_even_with_a_reason(world, shift):
    from django.core.exceptions import ValidationError

    student = employee(world, "sykepleierstudent", first_name="Student")
    with pytest.raises(ValidationError):
        worker_assign(
            shift=shift,
            worker=student,
            by=world.coordinator,
            said_yes=True,
            override_reason="Trenger folk",
        )
    assert not Placement.objects.exists()


def test_the_search_term_is_posted_never_in_the_address(client, world, shift):
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:why_not"), {"shift": shift.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in html
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )


@pytest.mark.parametrize(
    "data",
    [
        {"q": "", "shift": "1"},
        {"q": "a", "shift": "1"},
        {"q": "Ola", "shift": "x"},
        {"q": "Ola", "shift": "99999999999999"},
        {"q": "Ola\x00", "shift": "1"},
    ],
)
def test_bad_why_not_input_answers_clearly(client, world, shift, data):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:why_not"), data)
    assert response.status_code in (200, 400, 404)


def test_unknown_shift_is_404(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:why_not"), {"q": "Ola", "shift": 999999})
    assert response.status_code == 404
