import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import coverage_for
from matching.models import MatchingRun, Proposal
from matching.services import proposal_approve
from placements.models import Placement
from staffing.models import WorkerSource
from tests.matching.factories import employee, need_with_shifts, offer_sent
from tests.staffing.factories import AgencyFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def _proposal(world, shift, worker):
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    return Proposal.objects.create(run=run, shift=shift, worker=worker)


@pytest.fixture
def covered(world):
    """Tomorrow in the leader's (critical) unit: four slots, one each proposed, offered,
    accepted, ready; the other leader's unit: two slots, nothing done."""
    need = need_with_shifts(world, shifts=((1, 7),))
    shift = need.shifts.get()
    shift.headcount = 5
    shift.save()
    _proposal(world, shift, employee(world))
    offer_sent(world, proposal=_proposal(world, shift, employee(world)))
    proposal_approve(proposal=_proposal(world, shift, employee(world)), by=world.coordinator)
    ready = proposal_approve(
        proposal=_proposal(world, shift, employee(world, percent=60, wants_more=True)),
        by=world.coordinator,
    )
    Placement.objects.filter(pk=ready.pk).update(ready_at=timezone.now())
    other = need_with_shifts(world, unit=world.other, shifts=((2, 7), (20, 7)))
    other.shifts.filter(start__gt=timezone.now() + dt.timedelta(days=10)).update(headcount=9)
    return need


def test_coordinator_sees_every_state_per_day_and_unit(world, covered):
    coverage = coverage_for(world.coordinator)
    tomorrow = coverage.days[1]
    assert tomorrow.key == timezone.localdate() + dt.timedelta(days=1)
    c = tomorrow.counts
    assert (c.requested, c.proposed, c.offered, c.accepted, c.ready, c.unfilled) == (
        5,
        1,
        1,
        1,
        1,
        1,
    )
    # the shift 20 days ahead is outside the 14 days
    assert coverage.total.requested == 6
    assert {r.label: r.counts.requested for r in coverage.units} == {
        world.home.name: 5,
        world.other.name: 1,
    }
    assert {r.label: r.counts.unfilled for r in coverage.districts} == {"Nord": 1, "Sør": 1}
    # the critical unit's unaccepted slots tomorrow are at risk within 24 (or 72) hours
    assert [(r.need_id, r.within_72h) for r in coverage.at_risk] == [(covered.pk, 3)]


def test_source_mix_and_the_14_3_share(world, covered):
    coverage = coverage_for(world.coordinator)
    mix = {s.key: (s.slots, round(s.hours)) for s in coverage.sources}
    assert mix["part_time"] == (1, 8)
    assert mix["employee"] == (1, 8)
    # only part-timers among the extra hours so far
    assert coverage.section_14_3_share == 100
    assert coverage.agency_hours == 0


def test_agency_hours_are_priced_by_the_framework_agreement(world):
    from tests.staffing.factories import AgreementRateFactory

    agency = AgencyFactory()
    rate = AgreementRateFactory(
        agreement__agency=agency, qualification=world.quals["helsefagarbeider"]
    )
    temp = WorkerFactory(
        source=WorkerSource.AGENCY,
        agency=agency,
        qualifications=[world.quals["helsefagarbeider"]],
        verified_hpr=True,
    )
    from tests.staffing.factories import AvailabilityFactory

    AvailabilityFactory(worker=temp)
    need = need_with_shifts(world, shifts=((2, 7),))
    proposal_approve(proposal=_proposal(world, need.shifts.get(), temp), by=world.coordinator)
    coverage = coverage_for(world.coordinator)
    assert coverage.agency_hours == pytest.approx(8)
    assert coverage.agency_cost == pytest.approx(8 * float(rate.hourly_rate))
    assert coverage.section_14_3_share == 0


def test_leader_sees_only_their_own_units(world, covered):
    coverage = coverage_for(world.leader2)
    assert [r.label for r in coverage.units] == [world.other.name]
    assert coverage.total.requested == 1
    assert coverage.at_risk == []


def test_start_page_is_the_dashboard_for_coordinator_and_leader(client, world):
    for user in (world.coordinator, world.leader):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard:coverage")


def test_dashboard_page_shows_charts_with_tables_in_bounded_queries(
    client, world, covered, django_assert_max_num_queries
):
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboard:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2
    assert 'role="img"' in html
    assert "<table" in html and "<caption>" in html
    assert world.home.name in html and world.other.name in html
    # SVG numbers are never localised with a decimal comma
    import re

    for value in re.findall(r'<rect x="([^"]+)"', html):
        assert "," not in value


def test_leader_page_names_no_other_unit(client, world, covered):
    client.force_login(world.leader2)
    response = client.get(reverse("dashboard:coverage"))
    assert response.status_code == 200
    assert world.home.name not in response.content.decode()
