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
    # session, user, shifts, needs, units, proposals, offers, placement shifts, placements
    # (and agency rates, with agency temps placed)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard:coverage") + "?by=unit")
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


# --- the day × area grid ---------------------------------------------------------------------


def _grid(response):
    return {row.label: row for row in response.context["grid"].rows}


def _cell(html: str, href: str) -> str:
    """The <td> holding the link `href` (as written in HTML)."""
    end = html.index(f'href="{href}"')
    start = html.rindex("<td", 0, end)
    return html[start : html.index("</td>", end) + 5]


@pytest.fixture
def tomorrow_in_other(world):
    """leader2's (not critical) unit: a need with two shifts tomorrow, two people each; on the
    first shift one person is proposed and another has been offered the slot."""
    need = need_with_shifts(
        world, unit=world.other, shifts=((1, 7), (1, 15)), title="Sørli i morgen"
    )
    need.shifts.update(headcount=2)
    first = need.shifts.order_by("start").first()
    _proposal(world, first, employee(world))
    offer_sent(world, proposal=_proposal(world, first, employee(world)))
    return need


def test_grid_cell_counts_one_day_in_one_unit(client, world, tomorrow_in_other):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    cell = coverage_for(world.coordinator).units[0].per_day[tomorrow]
    assert (cell.requested, cell.proposed, cell.offered, cell.accepted, cell.ready) == (
        4,
        1,
        1,
        0,
        0,
    )
    assert (cell.unfilled, cell.critical_unfilled, cell.filled_share) == (2, 0, 0)

    client.force_login(world.coordinator)
    response = client.get(reverse("dashboard:coverage"), {"by": "unit"})
    html = response.content.decode()
    day = tomorrow.isoformat()
    href = f"/matching/?unit={world.other.pk}&amp;date_from={day}&amp;date_to={day}"
    # 2 of 4 slots unfilled, none accepted: half or more unfilled, said in numbers and class
    assert _cell(html, href) == (
        f'<td class="cov cov-short"><a href="{href}">2/4<span class="cov-share">0\u00a0%</span>'
        "</a></td>"
    )
    # the other 13 days have nothing requested there
    row = _grid(response)[world.other.name]
    assert row.cells.count("cov-none") == 13


def test_grid_marks_a_critical_service_gap_in_words(client, world, covered):
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard:coverage")).content.decode()
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cell = _cell(
        html, f"/matching/?district={world.north.pk}&amp;date_from={day}&amp;date_to={day}"
    )
    assert "cov-critical" in cell
    assert "1/5" in cell and "40\u00a0%" in cell
    assert '<span class="visually-hidden">kritisk tjeneste med ubesatte plasser: </span>' in cell


def test_a_shift_with_more_proposals_than_slots_hides_no_other_gap(world):
    need = need_with_shifts(world, unit=world.other, shifts=((2, 7), (2, 15)))
    first, _second = need.shifts.order_by("start")
    _proposal(world, first, employee(world))
    _proposal(world, first, employee(world))
    day = timezone.localdate() + dt.timedelta(days=2)
    cell = coverage_for(world.coordinator).units[0].per_day[day]
    assert (cell.requested, cell.proposed, cell.unfilled) == (2, 1, 1)


@pytest.mark.parametrize(
    "by,expected",
    [
        ("district", "district"),
        ("sector", "sector"),
        ("unit", "unit"),
        ("", "district"),
        ("postcode", "district"),
        ("<script>", "district"),
    ],
)
def test_coordinator_switches_the_grid_rows_and_a_bad_value_falls_back(
    client, world, tomorrow_in_other, by, expected
):
    client.force_login(world.coordinator)
    response = client.get(reverse("dashboard:coverage"), {"by": by})
    assert response.status_code == 200
    assert response.context["grid"].by == expected
    label = {"district": world.south.name, "sector": "Helse og omsorg", "unit": world.other.name}
    assert list(_grid(response)) == [label[expected]]
    assert f'href="?by={expected}#grid" aria-current="page"' in response.content.decode()


def test_sector_cells_link_to_the_needs_overview_by_sector(client, world, tomorrow_in_other):
    client.force_login(world.coordinator)
    response = client.get(reverse("dashboard:coverage"), {"by": "sector"})
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    href = f"/needs/?sector=health_care&date_from={day}&date_to={day}"
    assert href.replace("&", "&amp;") in response.content.decode()
    overview = client.get(href)
    assert overview.status_code == 200
    assert tomorrow_in_other.title in overview.content.decode()


def test_grid_links_open_the_matching_list_of_that_area_and_day(
    client, world, covered, tomorrow_in_other
):
    later = need_with_shifts(world, unit=world.other, shifts=((3, 9),), title="Sørli senere")
    _proposal(world, later.shifts.get(), employee(world))
    client.force_login(world.coordinator)
    html = client.get(reverse("dashboard:coverage")).content.decode()
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    href = f"/matching/?district={world.south.pk}&date_from={day}&date_to={day}"
    assert f'href="{href.replace("&", "&amp;")}"' in html
    matching = client.get(href)
    assert matching.status_code == 200
    shown = matching.content.decode()
    # that district's need on that day; not its need two days later, nor the north's need
    assert tomorrow_in_other.title in shown
    assert later.title not in shown
    assert covered.title not in shown


def test_leader_grid_has_only_their_own_units_and_no_matching_links(
    client, world, covered, tomorrow_in_other
):
    for user, own, foreign in (
        (world.leader2, world.other, world.home),
        (world.leader, world.home, world.other),
    ):
        client.force_login(user)
        for by in ("", "district", "sector", "unit"):
            response = client.get(reverse("dashboard:coverage"), {"by": by})
            assert response.status_code == 200
            grid = response.context["grid"]
            assert grid.by == "unit"
            assert [row.key for row in grid.rows] == [own.pk]
            html = response.content.decode()
            assert foreign.name not in html
            assert "/matching/?" not in html


def _need_in_new_unit(world, n: int):
    from tests.staffing.factories import UnitFactory

    unit = UnitFactory(name=f"Enhet {n}", district=world.north if n % 2 else world.south)
    need = need_with_shifts(world, unit=unit, shifts=((1, 7), (3, 15)))
    first = need.shifts.order_by("start").first()
    first.headcount = 3
    first.save()
    _proposal(world, first, employee(world))
    offer_sent(world, proposal=_proposal(world, first, employee(world)))
    proposal_approve(proposal=_proposal(world, first, employee(world)), by=world.coordinator)


@pytest.mark.parametrize("by", ["district", "sector", "unit"])
def test_dashboard_queries_do_not_grow_with_units_and_needs(client, world, by):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator)
    url = reverse("dashboard:coverage") + f"?by={by}"
    _need_in_new_unit(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(2, 6):
        _need_in_new_unit(world, n)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(response.context["coverage"].units) == 5
    assert len(five) == len(one) <= 10


def test_leader_dashboard_queries_do_not_grow_with_needs(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def need_in_own_unit():
        need = need_with_shifts(world, unit=world.other, shifts=((1, 7), (4, 15)))
        first = need.shifts.order_by("start").first()
        first.headcount = 3
        first.save()
        offer_sent(world, proposal=_proposal(world, first, employee(world)))
        proposal_approve(proposal=_proposal(world, first, employee(world)), by=world.coordinator)

    client.force_login(world.leader2)
    url = reverse("dashboard:coverage")
    need_in_own_unit()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        need_in_own_unit()
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.context["coverage"].total.requested == 20
    assert len(five) == len(one) <= 13


def test_grid_days_are_named_in_the_readers_language(client, world, tomorrow_in_other):
    client.force_login(world.coordinator)
    response = client.get(reverse("dashboard:coverage"))
    today = response.context["grid"].days[0]
    assert today.day == timezone.localdate()
    names_nb = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
    assert today.weekday == names_nb[today.day.weekday()]
    assert today.date == f"{today.day.day}.{today.day.month}."

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    today = client.get(reverse("dashboard:coverage")).context["grid"].days[0]
    assert today.weekday == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][today.day.weekday()]
    assert today.date == today.day.strftime("%-d %b")
