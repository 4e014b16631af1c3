"""Issue 14's coordinator in the browser: filter /matching/ to one district and tomorrow,
offer and approve in place without losing the filter or the scroll position, ask "why not
this person?" and read the rule."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from matching.adapter import Reason
from matching.explain import reason_text
from matching.models import MatchingRun, Offer, Proposal
from placements.models import Placement
from tests.browser.conftest import login
from tests.matching.factories import employee, need_with_shifts


@pytest.fixture
def matching_world(transactional_db, world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    north = need_with_shifts(world, shifts=((1, 7), (1, 15), (2, 7)), title="Nord i morgen")
    south = need_with_shifts(world, unit=world.other, shifts=((1, 7),), title="Sør i morgen")
    shifts = list(north.shifts.order_by("start"))
    names = ["Olga Offer", "Alf Godkjent", "Per Sjekk"]
    proposals = [
        Proposal.objects.create(
            run=run,
            shift=shift,
            worker=employee(world, first_name=n.split()[0], last_name=n.split()[1]),
        )
        for shift, n in zip(shifts, names, strict=True)
    ]
    Proposal.objects.create(run=run, shift=south.shifts.get(), worker=employee(world))
    # enough other needs that the page scrolls
    for i in range(8):
        need = need_with_shifts(world, shifts=((3 + i, 7),), title=f"Fyll {i}")
        Proposal.objects.create(run=run, shift=need.shifts.get(), worker=employee(world))
    unskilled = employee(world, "assistent", first_name="Ufaglært", last_name="Hjelper")
    return world, proposals, unskilled


def test_coordinator_filters_acts_in_place_and_asks_why_not(page, matching_world):
    world, (p_offer, p_approve, p_check), unskilled = matching_world
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    login(page, world.coordinator.email)
    page.goto("/matching/")
    page.select_option("select[name=district]", str(world.north.pk))
    page.fill("input[name=date_from]", tomorrow)
    page.fill("input[name=date_to]", tomorrow)
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_url("**/matching/?*district=*")
    filtered_url = page.url
    main = page.locator("main")
    expect(main).to_contain_text("Nord i morgen")
    expect(main).not_to_contain_text("Sør i morgen")
    expect(main).not_to_contain_text("Fyll 0")  # three days ahead: outside the range
    # the day after tomorrow's shift of the same need is outside the range too
    expect(page.locator("tbody.proposal")).to_have_count(2)

    # offer in place
    row = page.locator(f"#proposal-{p_offer.pk}")
    row.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    row.get_by_role("button", name="Send tilbud").click()
    expect(row.locator(".message.success")).to_be_visible()
    expect(row.locator(".slot-state")).to_contain_text("Tilbudt")
    assert Offer.objects.filter(proposal=p_offer, status="pending").exists()

    # approve in place
    row = page.locator(f"#proposal-{p_approve.pk}")
    row.locator("button[name=approve]").click()
    expect(row.locator(".message.success")).to_contain_text("Godkjent")
    assert Placement.objects.filter(worker=p_approve.worker).exists()

    # nothing reloaded: same address, same filter, about the same place on the page
    assert page.url == filtered_url
    assert page.locator("select[name=district]").input_value() == str(world.north.pk)
    expect(main).not_to_contain_text("Sør i morgen")
    assert abs(page.evaluate("window.scrollY") - before) < 200

    # why not this person? for the shift of the open row
    p_check.refresh_from_db()
    assert p_check.status == Proposal.Status.PROPOSED
    page.goto(filtered_url.replace(f"date_to={tomorrow}", ""))  # the third shift is later
    row = page.locator(f"#proposal-{p_check.pk}")
    row.locator("summary").click()
    row.get_by_label("Hvorfor ikke denne personen? Navn, telefon eller e-post").fill("Ufaglært")
    row.get_by_role("button", name="Sjekk").click()
    with translation.override("nb"):
        rule = reason_text(Reason("not_qualified", {"qualification": "Helsefagarbeider"}))
    verdict = row.locator(".why-not-result .verdict")
    expect(verdict).to_contain_text(unskilled.full_name)
    expect(verdict.locator(".rule")).to_have_text(rule)
    # the name went in a POST: the address has no trace of it
    assert "Ufagl" not in page.url
