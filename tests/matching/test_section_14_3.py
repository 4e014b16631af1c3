"""The § 14-3 report: per unit and period, extra shifts offered to and taken by part-timers who
want more hours, next to shifts given to agency temps and new temporary hires; CSV export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Offer, Proposal
from matching.offers import offer_accept, offer_decline
from matching.section_14_3 import section_14_3_report
from matching.services import proposal_approve
from staffing.models import WorkerSource
from tests.matching.factories import at, employee, need_with_shifts, offer_sent
from tests.staffing.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _proposal(need, worker, shift=None):
    run = MatchingRun.objects.first() or MatchingRun.objects.create(trigger="manual")
    return Proposal.objects.create(run=run, shift=shift or need.shifts.first(), worker=worker)


def _record(world, monkeypatch):
    """In the leader's unit: three shifts offered to part-timers who want more hours (one
    taken, one declined, one waiting), one shift given to an agency temp, one to a volunteer.
    In the other unit: an agency temp only."""
    need = need_with_shifts(world, shifts=[(3 + i, 7) for i in range(5)])
    shifts = list(need.shifts.order_by("start"))
    taken, _t = offer_sent(
        world, proposal=_proposal(need, employee(world, percent=50, wants_more=True), shifts[0])
    )
    offer_accept(offer=taken)
    declined, _t = offer_sent(
        world, proposal=_proposal(need, employee(world, percent=80, wants_more=True), shifts[1])
    )
    offer_decline(offer=declined, reason="Har nok")
    offer_sent(
        world, proposal=_proposal(need, employee(world, percent=80, wants_more=True), shifts[2])
    )
    monkeypatch.setattr("matching.services._conflict", lambda worker, shift: None)
    temp = employee(world, agency=AgencyFactory())
    temp.source = WorkerSource.AGENCY
    temp.save()
    proposal_approve(proposal=_proposal(need, temp, shifts[3]), by=world.coordinator)
    volunteer = employee(world)
    volunteer.source = WorkerSource.VOLUNTEER
    volunteer.save()
    proposal_approve(proposal=_proposal(need, volunteer, shifts[4]), by=world.coordinator)
    elsewhere = need_with_shifts(world, unit=world.other)
    other_temp = employee(world, agency=AgencyFactory())
    other_temp.source = WorkerSource.AGENCY
    other_temp.save()
    proposal_approve(proposal=_proposal(elsewhere, other_temp), by=world.coordinator)
    return need


def _period():
    return {"date_from": timezone.localdate(), "date_to": at(30, 0).date()}


def test_the_report_counts_offers_to_part_timers_against_agency_and_new_hires(world, monkeypatch):
    _record(world, monkeypatch)

    rows = {r.unit: r for r in section_14_3_report(**_period())}

    home = rows["Nordtun sykehjem"]
    assert (home.offered_more_hours, home.taken_more_hours, home.declined_more_hours) == (3, 1, 1)
    assert home.offered_more_hours_hours == 24.0 and home.taken_more_hours_hours == 8.0
    assert (home.agency, home.new_hires) == (1, 1)
    assert not home.agency_before_part_timers
    other = rows["Sørli hjemmetjeneste"]
    assert (other.offered_more_hours, other.agency) == (0, 1)
    assert other.agency_before_part_timers


def test_the_report_per_unit_includes_sub_units_and_leaves_others_out(world, monkeypatch):
    _record(world, monkeypatch)

    rows = section_14_3_report(unit=world.home, **_period())

    assert [r.unit for r in rows] == ["Nordtun sykehjem"]


def test_the_period_is_the_shifts_start(world, monkeypatch):
    _record(world, monkeypatch)

    assert section_14_3_report(date_from=at(40, 0).date(), date_to=at(50, 0).date()) == []


def test_the_record_keeps_the_group_the_person_was_in_when_asked(world, monkeypatch):
    need = _record(world, monkeypatch)
    offer = Offer.objects.filter(shift__need=need, status="accepted", channel="email").get()
    offer.worker.employee.wants_more_hours = False
    offer.worker.employee.save()

    home = section_14_3_report(unit=world.home, **_period())[0]

    assert home.taken_more_hours == 1


def test_coordinator_reads_the_report_and_exports_it(client, world, monkeypatch):
    _record(world, monkeypatch)
    client.force_login(world.coordinator)
    query = {"date_from": timezone.localdate().isoformat(), "date_to": at(30, 0).date().isoformat()}

    page = client.get(reverse("matching:section_14_3"), query)
    export = client.get(reverse("matching:section_14_3_export"), query)

    assert page.status_code == 200
    assert "Nordtun sykehjem" in page.content.decode()
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = list(
        csv.reader(io.StringIO(b"".join(export.streaming_content).decode()), delimiter=";")
    )
    assert len(lines) == 1 + 2 + 1  # header, two units, total
    home = next(line for line in lines if line[0] == "Nordtun sykehjem")
    assert home[1:4] == ["3", "24.0", "1"]
    assert lines[-1][6] == "2"  # agency shifts in all


def test_a_bad_period_is_explained_not_a_500(client, world):
    client.force_login(world.coordinator)

    response = client.get(
        reverse("matching:section_14_3"), {"date_from": "2026-12-10", "date_to": "2026-12-01"}
    )
    export = client.get(reverse("matching:section_14_3_export"), {"date_from": "tull"})

    assert response.status_code == 400 and response.context["form"].errors
    assert export.status_code == 400


def test_a_unit_name_cannot_smuggle_a_formula_into_the_csv(world, monkeypatch):
    from matching.section_14_3 import section_14_3_csv

    world.home.name = "=HYPERLINK(1)"
    world.home.save()
    _record(world, monkeypatch)

    text = "".join(section_14_3_csv(section_14_3_report(**_period())))

    assert "'=HYPERLINK(1)" in text
