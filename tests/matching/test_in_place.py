"""/matching/ at scale: filters, paging per need, actions in place (htmx) that keep the
filter, and alternatives checked when they are shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Offer, Proposal
from placements.models import Placement
from tests.matching.factories import employee, need_with_shifts

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _proposal(shift, worker, **kwargs):
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    return Proposal.objects.create(run=run, shift=shift, worker=worker, **kwargs)


@pytest.fixture
def two_needs(world):
    """Tomorrow in the north (leader's unit), in five days in the south (other unit)."""
    north = need_with_shifts(world, shifts=((1, 7),), title="Nord i morgen")
    south = need_with_shifts(world, unit=world.other, shifts=((5, 7),), title="Sør om fem")
    p_north = _proposal(north.shifts.get(), employee(world))
    p_south = _proposal(south.shifts.get(), employee(world, district=world.south))
    return north, south, p_north, p_south


def test_filter_by_district_and_date(client, world, two_needs):
    _ = two_needs
    client.force_login(world.coordinator)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(
        reverse("matching:index"),
        {"district": world.north.pk, "date_from": tomorrow, "date_to": tomorrow},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nord i morgen" in html and "Sør om fem" not in html
    response = client.get(reverse("matching:index"), {"district": world.south.pk})
    html = response.content.decode()
    assert "Sør om fem" in html and "Nord i morgen" not in html


def test_filter_by_state_and_priority(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    client.post(reverse("matching:offer", args=[p_north.pk]))
    html = client.get(reverse("matching:index"), {"state": "offered"}).content.decode()
    assert "Nord i morgen" in html and "Sør om fem" not in html
    html = client.get(reverse("matching:index"), {"priority": "3"}).content.decode()
    assert "Nord i morgen" not in html and "Sør om fem" not in html


def test_bad_filter_values_answer_with_the_form_errors_not_a_500(client, world, two_needs):
    client.force_login(world.coordinator)
    response = client.get(
        reverse("matching:index"), {"district": "x", "date_from": "2026-13-45", "need": "-1"}
    )
    assert response.status_code == 200
    assert "Nord i morgen" not in response.content.decode()


def test_a_need_shows_its_first_rows_and_pages_the_rest_on_its_own_page(client, world):
    need = need_with_shifts(world, shifts=[(1 + d, 7) for d in range(14)], title="Lang")
    for shift in need.shifts.all():
        _proposal(shift, employee(world))
    client.force_login(world.coordinator)
    html = client.get(reverse("matching:index")).content.decode()
    assert html.count('class="proposal-row"') == 5
    assert f"?need={need.pk}" in html  # the link to the need's own page
    html = client.get(reverse("matching:index"), {"need": need.pk}).content.decode()
    assert html.count('class="proposal-row"') == 14


def test_approve_in_place_answers_with_the_row_and_keeps_the_filter(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    back = f"district={world.north.pk}&page=1"
    response = client.post(reverse("matching:approve", args=[p_north.pk]), {"back": back}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<tbody") and f'id="proposal-{p_north.pk}"' in html
    assert 'class="message success"' in html and p_north.worker.full_name in html
    assert Placement.objects.filter(worker=p_north.worker).exists()
    # the forms of the answer carry the same filter on
    assert 'name="back"' not in html or back.replace("&", "&amp;") in html


def test_without_javascript_an_action_returns_to_the_filtered_list(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    back = f"district={world.north.pk}&page=1"
    response = client.post(reverse("matching:offer", args=[p_north.pk]), {"back": back})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('matching:index')}?{back}"
    assert Offer.objects.filter(proposal=p_north, status="pending").exists()


def test_back_never_leads_off_the_matching_page(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    response = client.post(
        reverse("matching:approve", args=[p_north.pk]), {"back": "//evil.example/\r\nx"}
    )
    assert response["Location"] == reverse("matching:index")


def test_offer_in_place_shows_the_offered_state(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    html = client.post(reverse("matching:offer", args=[p_north.pk]), **HTMX).content.decode()
    assert 'class="message success"' in html
    assert f"/matching/offers/{Offer.objects.get().pk}/withdraw/" in html


def test_reject_in_place_with_no_reason_keeps_the_row_open_with_the_error(client, world, two_needs):
    _, _, p_north, _ = two_needs
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:reject", args=[p_north.pk]), {"reason": ""}, **HTMX)
    assert response.status_code == 200
    assert "<details open>" in response.content.decode()
    p_north.refresh_from_db()
    assert p_north.status == Proposal.Status.PROPOSED
    response = client.post(
        reverse("matching:reject", args=[p_north.pk]), {"reason": "Kjent konflikt"}, **HTMX
    )
    p_north.refresh_from_db()
    assert p_north.status == Proposal.Status.REJECTED


def test_offers_to_a_selection_across_needs(client, world, two_needs):
    _, _, p_north, p_south = two_needs
    client.force_login(world.coordinator)
    response = client.post(
        reverse("matching:offer_selected"),
        {"proposals": [p_north.pk, p_south.pk], "back": "state=proposed"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="proposal-list">')
    assert Offer.objects.filter(status="pending").count() == 2


@pytest.mark.parametrize("bad", [[], ["x"], ["1" * 40], ["-3"]])
def test_a_bad_selection_says_so_and_sends_nothing(client, world, two_needs, bad):
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:offer_selected"), {"proposals": bad}, **HTMX)
    assert response.status_code == 200
    assert 'class="message error"' in response.content.decode()
    assert not Offer.objects.exists()


def test_alternatives_are_checked_when_shown(client, world, two_needs):
    """An alternative placed elsewhere since the run is shown with the rule, not pickable."""
    north, _, p_north, _ = two_needs
    free = employee(world)
    busy = employee(world)
    p_north.alternatives = [
        {"worker": free.pk, "name": "Fri Person", "cost": 1, "reason": {"nb": "intern · ledig"}},
        {"worker": busy.pk, "name": "Opptatt Person", "cost": 2, "reason": {"nb": "intern"}},
    ]
    p_north.save()
    # busy is placed on an overlapping shift after the run
    other = need_with_shifts(world, unit=world.ward, shifts=((1, 8),))
    from matching.services import proposal_approve

    proposal_approve(proposal=_proposal(other.shifts.get(), busy), by=world.coordinator)
    client.force_login(world.coordinator)
    html = client.get(reverse("matching:alternatives", args=[p_north.pk]), **HTMX).content.decode()
    assert f'value="{free.pk}"' in html
    assert f'value="{busy.pk}"' not in html
    assert "Opptatt Person" in html
    # and a forged pick of the busy one is refused
    response = client.post(reverse("matching:pick", args=[p_north.pk]), {"worker": busy.pk})
    assert response.status_code == 400
    assert not Placement.objects.filter(worker=busy, need=north).exists()


def test_list_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(6):
        need = need_with_shifts(world, shifts=((1 + i, 7), (2 + i, 15)))
        for shift in need.shifts.all():
            _proposal(shift, employee(world))
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("matching:index"))
    assert response.content.decode().count('class="proposal-row"') == 12
