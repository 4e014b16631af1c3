import datetime as dt

from django.utils import timezone

from tests.matching.factories import employee
from tests.permissions import COORDINATOR, HR, LEADERS, PUBLIC, Page, roles
from tests.rosters.factories import issued_feed


def _week(world):
    return {"unit": world.home.pk, "week": "2026-W49"}


def _export(world):
    today = timezone.localdate()
    return {
        "unit": world.home.pk,
        "date_from": today.isoformat(),
        "date_to": (today + dt.timedelta(days=13)).isoformat(),
    }


PAGES = [
    # Every leader may open the pages; leader2 does not see leader's unit (the form refuses
    # it: see test_rosters_views for the 400 and that nothing of that unit is shown).
    Page("rosters:week", roles(COORDINATOR, *LEADERS)),
    Page("rosters:day", roles(COORDINATOR, *LEADERS)),
    Page("rosters:export", roles(COORDINATOR, *LEADERS)),
    Page(
        "rosters:export_csv",
        roles(COORDINATOR, *LEADERS),
        data=lambda w: {k: v for k, v in _export(w).items() if k != "unit"},
    ),
    Page(
        "rosters:export_xlsx",
        roles(COORDINATOR, *LEADERS),
        data=lambda w: {k: v for k, v in _export(w).items() if k != "unit"},
    ),
    Page(
        "rosters:feed_manage",
        roles(COORDINATOR),
        kwargs=lambda w: {"pk": employee(w, email="a@example.test").pk},
    ),
    Page(
        "rosters:feed_issue",
        roles(COORDINATOR),
        kwargs=lambda w: {"pk": employee(w, email="a@example.test").pk},
        method="post",
        ok_status=(302,),
    ),
    Page(
        "rosters:feed_revoke",
        roles(COORDINATOR),
        kwargs=lambda w: {"pk": issued_feed(w)[0].worker_id},
        method="post",
        ok_status=(302,),
    ),
    Page("rosters:search", roles(COORDINATOR, HR, *LEADERS)),
    Page(
        "rosters:search",
        roles(COORDINATOR, HR, *LEADERS),
        method="post",
        data=lambda w: {"term": "Kari"},
        ok_status=(302,),
    ),
    Page("calendar:feed", PUBLIC, kwargs=lambda w: {"token": issued_feed(w)[1]}),
    Page("calendar:revoke", PUBLIC, kwargs=lambda w: {"token": issued_feed(w)[1]}),
    Page(
        "calendar:revoke",
        PUBLIC,
        kwargs=lambda w: {"token": issued_feed(w)[1]},
        method="post",
    ),
]
