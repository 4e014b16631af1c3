from django.conf import settings
from django.utils import timezone

from accounts.models import User
from needs import demo as needs_demo
from needs.models import Need
from needs.selectors import needs_for_leader
from needs.shifts import ShiftSpec, check_shifts
from staffing import demo as staffing_demo


def test_demo_needs_are_valid_include_the_demo_leaders_and_load_once(db):
    staffing_demo.load(scale=0.02)
    created = needs_demo.load(scale=1, seed=2020)
    assert created["needs"] == 30
    assert needs_demo.load(scale=1, seed=2020) == {"needs": 0, "shifts": 0}
    assert Need.objects.count() == 30

    total = 0
    for need in Need.objects.prefetch_related("shifts"):
        shifts = [ShiftSpec(s.start, s.end, s.headcount) for s in need.shifts.all()]
        total += len(shifts)
        check = check_shifts(
            shifts,
            now=timezone.now(),
            max_hours=settings.DUGNAD["MAX_HOURS_PER_24_HOURS"],
            warn_hours=settings.DUGNAD["LONG_SHIFT_WARNING_HOURS"],
        )
        assert check.ok, check.errors
    assert total == created["shifts"]
    leader = User.objects.get(email="leader@dugnad.test")
    assert needs_for_leader(leader).count() >= 3
