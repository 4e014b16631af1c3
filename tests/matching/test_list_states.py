"""/matching/ shows every slot's state the one shared way (matching.slot_states): a no with
its reason, an unanswered offer with its deadline, an open slot with the run's reason, and a
summary of each need's slots by state; the state filter finds the same slots in SQL."""

import datetime as dt
import re
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchingRun, Offer, Proposal, UnfilledSlot
from matching.offers import offer_decline, offers_expire
from matching.selectors import offers_shown_on_open_slots
from matching.services import proposal_approve
from matching.slot_states import slot_states_for_needs
from needs.models import Need
from tests.matching.factories import employee, need_with_shifts, offer_sent

pytestmark = pytest.mark.django_db


def _run() -> MatchingRun:
    return MatchingRun.objects.first() or MatchingRun.objects.create(
        trigger="manual", status="succeeded"
    )


def _proposal(shift, worker) -> Proposal:
    return Proposal.objects.create(run=_run(), shift=shift, worker=worker)


def _section(html: str, need: Need) -> str:
    start = html.index(f'id="need-{need.pk}"')
    end = html.find("</section>", start)
    return html[start:end]


def _declined_need(world, title="Sa nei", days=3):
    need = need_with_shifts(world, shifts=((days, 7),), title=title)
    worker = employee(world, first_name="Nora", last_name="Nei")
    offer, _token = offer_sent(world, proposal=_proposal(need.shifts.get(), worker))
    offer_decline(offer=offer, reason="Syk")
    return need, offer


def _expired_need(world, title="Svarte ikke", days=4):
    need = need_with_shifts(world, shifts=((days, 7),), title=title)
    worker = employee(world, first_name="Stian", last_name="Stille")
    offer, _token = offer_sent(world, proposal=_proposal(need.shifts.get(), worker))
    offers_expire(now=offer.deadline + dt.timedelta(minutes=1))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    return need, offer


def test_a_declined_offer_shows_declined_and_the_reason(client, world):
    need, offer = _declined_need(world)
    client.force_login(world.coordinator)

    response = client.get(reverse("matching:index"))

    assert response.status_code == 200
    group = _section(response.content.decode(), need)
    assert 'class="slot slot-declined"' in group
    assert "takket nei" in group and "sa nei: Syk" in group
    assert offer.worker.full_name in group
    assert '<span class="slot-count" data-state="declined">1 takket nei</span>' in group
    # the slot is still open: someone can be assigned by name
    assert f"{reverse('matching:why_not')}?shift={offer.shift_id}" in group


def test_an_unanswered_offer_shows_expired_with_its_deadline(client, world):
    need, offer = _expired_need(world)
    client.force_login(world.coordinator)

    group = _section(client.get(reverse("matching:index")).content.decode(), need)

    deadline = timezone.localtime(offer.deadline).strftime("%-d.%-m. %H:%M")
    assert 'class="slot slot-expired"' in group
    assert f"ikke svart innen {deadline}" in group
    assert '<span class="slot-count" data-state="expired">1 utløpt</span>' in group


def test_an_open_slot_shows_the_runs_reason_next_to_the_other_states(client, world):
    need = need_with_shifts(world, shifts=((3, 7),))
    shift = need.shifts.get()
    shift.headcount = 4
    shift.save()
    placed = _proposal(shift, employee(world))
    proposal_approve(proposal=placed, by=world.coordinator)
    offer_sent(world, proposal=_proposal(shift, employee(world)))
    _proposal(shift, employee(world))
    UnfilledSlot.objects.create(
        run=_run(), shift=shift, slot_index=3, reasons={"nb": "ingen ledige sykepleiere"}
    )
    client.force_login(world.coordinator)

    group = _section(client.get(reverse("matching:index")).content.decode(), need)

    assert re.findall(r'data-state="(\w+)">([^<]*)</span>', group) == [
        ("placed", "1 plassert"),
        ("offered", "1 tilbudt"),
        ("proposed", "1 foreslått"),
        ("open", "1 åpen"),
    ]
    assert 'class="slot slot-open"' in group and "ingen ledige sykepleiere" in group
    assert group.count('class="proposal-row"') == 2  # the offered and the proposed person


def test_the_state_filter_finds_declined_and_expired_slots_still_open(client, world):
    declined, _ = _declined_need(world)
    expired, _ = _expired_need(world)
    # a no whose slot has since been given to someone new is no longer shown as a no
    refilled, offer = _declined_need(world, title="Fylt igjen", days=5)
    _proposal(offer.shift, employee(world))
    client.force_login(world.coordinator)

    html = client.get(reverse("matching:index"), {"state": "declined"}).content.decode()
    assert f'id="need-{declined.pk}"' in html
    assert f'id="need-{expired.pk}"' not in html and f'id="need-{refilled.pk}"' not in html
    assert "slot-expired" not in html

    html = client.get(reverse("matching:index"), {"state": "expired"}).content.decode()
    assert f'id="need-{expired.pk}"' in html
    assert f'id="need-{declined.pk}"' not in html and "slot-declined" not in html

    # nobody holds a declined or an expired slot: both are unfilled too
    html = client.get(reverse("matching:index"), {"state": "unfilled"}).content.decode()
    assert f'id="need-{declined.pk}"' in html and f'id="need-{expired.pk}"' in html
    assert f'id="need-{refilled.pk}"' not in html
    assert "proposal-row" not in html

    html = client.get(reverse("matching:index")).content.decode()
    assert "slot-proposed" not in html  # proposals are rows, not open slots
    assert 'data-state="declined"' not in _section(html, refilled)


def test_the_date_range_narrows_the_open_slots_and_the_summary(client, world):
    need = need_with_shifts(world, shifts=((1, 7), (6, 7)), title="To dager")
    late = need.shifts.order_by("start").last()
    worker = employee(world)
    offer, _token = offer_sent(world, proposal=_proposal(late, worker))
    offer_decline(offer=offer, reason="Syk")
    client.force_login(world.coordinator)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    html = client.get(
        reverse("matching:index"), {"date_from": tomorrow, "date_to": tomorrow}
    ).content.decode()

    group = _section(html, need)
    assert "slot-declined" not in group and "Syk" not in group
    assert 'data-state="open">1 åpen' in group
    # the declined slot is in five days: outside the range for the state filter too
    html = client.get(
        reverse("matching:index"), {"state": "declined", "date_to": tomorrow}
    ).content.decode()
    assert f'id="need-{need.pk}"' not in html


def _closed(shift, worker, status, minutes_ago) -> Offer:
    sent = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Offer.objects.create(
        worker=worker,
        shift=shift,
        status=status,
        token_hash=secrets.token_hex(32),
        code="ABCDE",
        sent_at=sent,
        deadline=sent + dt.timedelta(hours=1),
    )


def test_the_filters_sql_shows_the_same_offers_as_the_slot_states(world):
    """offers_shown_on_open_slots is slot_states' rule in SQL: every case where a no or an
    unanswered offer is shown on an open slot, or hidden by someone who took its place."""
    need = need_with_shifts(world, shifts=[(3 + i, 7) for i in range(8)])
    s = list(need.shifts.order_by("start"))
    people = [employee(world) for _i in range(14)]
    _closed(s[0], people[0], Offer.Status.DECLINED, 30)  # alone: shown
    _closed(s[1], people[1], Offer.Status.DECLINED, 30)  # someone new proposed: hidden
    _proposal(s[1], people[2])
    for shift in s[2:4]:
        shift.headcount = 2
        shift.save()
    _closed(s[2], people[3], Offer.Status.EXPIRED, 40)  # two slots left: both shown
    _closed(s[2], people[4], Offer.Status.DECLINED, 20)
    _closed(s[3], people[5], Offer.Status.EXPIRED, 40)  # one left: only the newest shown
    _closed(s[3], people[6], Offer.Status.DECLINED, 20)
    proposal_approve(proposal=_proposal(s[3], people[7]), by=world.coordinator)
    _closed(s[4], people[8], Offer.Status.DECLINED, 30)  # proposed again themself: hidden
    _proposal(s[4], people[8])
    _closed(s[5], people[9], Offer.Status.DECLINED, 30)  # cancelled shift: hidden
    s[5].cancelled_at = timezone.now()
    s[5].save()
    _closed(s[6], people[10], Offer.Status.DECLINED, 30)  # another offer waiting: hidden
    offer_sent(world, proposal=_proposal(s[6], people[11]))
    _closed(s[7], people[12], Offer.Status.WITHDRAWN, 30)  # withdrawn: plain open
    _closed(s[7], people[13], Offer.Status.EXPIRED, 40)  # an older expiry shows, though

    states = slot_states_for_needs([need.pk])[need.pk]
    by_python = {
        (slot.offer.pk, slot.state)
        for row in states
        for slot in row.slots
        if slot.state in ("declined", "expired")
    }
    by_sql = set(offers_shown_on_open_slots().values_list("pk", "status"))

    assert by_sql == by_python
    assert {status for _pk, status in by_sql} == {"declined", "expired"}
    assert len(by_sql) == 5
    assert set(offers_shown_on_open_slots("declined").values_list("pk", "status")) == {
        pair for pair in by_python if pair[1] == "declined"
    }


@pytest.mark.parametrize("needs", [2, 6])
def test_the_list_with_every_state_runs_the_same_bounded_queries(
    client, world, needs, django_assert_max_num_queries
):
    for i in range(needs):
        need = need_with_shifts(world, shifts=((3 + i, 7), (3 + i, 15), (3 + i, 23)))
        first, second, third = need.shifts.order_by("start")
        offer_sent(world, proposal=_proposal(first, employee(world)))
        _proposal(second, employee(world))
        declined, _token = offer_sent(world, proposal=_proposal(third, employee(world)))
        offer_decline(offer=declined, reason="Syk")
        UnfilledSlot.objects.create(run=_run(), shift=third, reasons={"nb": "ingen"})
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("matching:index"))

    html = response.content.decode()
    assert html.count('class="proposal-row"') == 2 * needs
    assert html.count("slot slot-declined") == needs


def test_without_javascript_a_rows_buttons_post_the_lists_one_form_to_their_address(client, world):
    need = need_with_shifts(world, title="Nord")
    proposal = _proposal(need.shifts.get(), employee(world))
    client.force_login(world.coordinator)
    back = f"district={world.north.pk}"

    html = client.get(reverse("matching:index"), {"district": world.north.pk}).content.decode()

    form = re.search(r'<form id="row-actions"[^>]*>(.*?)</form>', html).group(1)
    assert 'name="csrfmiddlewaretoken"' in form and f'name="back" value="{back}"' in form
    offer = reverse("matching:offer", args=[proposal.pk])
    assert f'form="row-actions" name="offer" formaction="{offer}" hx-post="{offer}"' in html
    # "more" without JavaScript: a page with the alternatives, reject and "why not?"
    more = reverse("matching:alternatives", args=[proposal.pk])
    assert f'href="{more}?back=district%3D{world.north.pk}"' in html
    response = client.get(more, {"back": back})
    page = client.get(response["Location"]).content.decode()
    assert reverse("matching:reject", args=[proposal.pk]) in page
    assert f"{reverse('matching:why_not')}?shift={proposal.shift_id}" in page


@pytest.mark.parametrize(
    "name", ["matching:offer", "matching:approve", "matching:withdraw", "matching:alternatives"]
)
def test_a_rows_addresses_are_those_reverse_gives(name):
    from django.urls import set_script_prefix

    from matching.templatetags.matching_rows import url_for

    assert url_for(42, name) == reverse(name, args=[42])
    set_script_prefix("/dugnad/")
    try:
        assert url_for(7, name) == reverse(name, args=[7])
        assert url_for(7, name).startswith("/dugnad/")
    finally:
        set_script_prefix("/")


def test_a_page_past_the_end_shows_the_last_and_a_bad_number_the_first(client, world):
    from matching.selectors import NEEDS_PER_PAGE

    needs = [
        need_with_shifts(world, shifts=((3, 7),), title=f"Behov {i:02}")
        for i in range(NEEDS_PER_PAGE + 2)
    ]
    for need in needs:
        _proposal(need.shifts.get(), employee(world))
    client.force_login(world.coordinator)

    last = client.get(reverse("matching:index"), {"page": 99}).content.decode()
    first = client.get(reverse("matching:index"), {"page": "x"}).content.decode()

    assert last.count('class="card need-group"') == 2
    assert first.count('class="card need-group"') == NEEDS_PER_PAGE
    assert f"{len(needs)} behov med åpne forslag" in first
