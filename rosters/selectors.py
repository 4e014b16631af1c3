"""Reads for calendars, rosters, exports and the personal calendar feed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from matching.slot_states import ShiftSlots, SlotState, slot_states_for_needs
from needs.models import Need, Shift
from placements.models import PlacementShift
from rosters.models import CalendarFeed
from staffing.models import Unit, Worker, WorkerSource
from staffing.selectors import units_visible_to

ROSTER_ROLES = (Role.UNIT_LEADER, Role.COORDINATOR)
# Exports and grids cover at most this many days: a bounded query, a bounded file.
MAX_EXPORT_DAYS = 93
FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 366


# Slots whose person has said yes: their names are on every roster a leader sees; who is only
# proposed or offered is the coordinator's business.
BOOKED_STATES = frozenset({SlotState.ACCEPTED, SlotState.PLACED, SlotState.READY})


def roster_units(user: User) -> QuerySet[Unit]:
    """Units whose rosters the user may see: a leader's own units and sub-units, every unit
    for coordinators and administrators."""
    if not user.has_role(*ROSTER_ROLES):
        return Unit.objects.none()
    return units_visible_to(user).only("pk", "name", "code", "parent_id").order_by("name", "pk")


def roster_unit_get_for_user(user: User, pk: int) -> Unit:
    return get_object_or_404(roster_units(user), pk=pk)


def unit_subtree_ids(unit: Unit) -> set[int]:
    return Unit.objects.subtree_ids([unit])


def _day_bounds(first: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time.min, tzinfo=tz)
    return start, end


def roster_shifts(
    *, unit: Unit, first: dt.date, days: int, with_sub_units: bool = True
) -> list[ShiftSlots]:
    """The unit's shifts that start in [first, first + days) (Europe/Oslo), each with its
    slots in the states every page shows (matching.slot_states): who is placed, ready or has
    accepted, who is offered or proposed, what is open or was declined. Five queries, whatever
    the number of shifts."""
    start, end = _day_bounds(first, days)
    unit_ids = Unit.objects.subtree_ids([unit]) if with_sub_units else {unit.pk}
    shifts = {
        shift.pk: shift
        for shift in Shift.objects.active()
        .filter(
            need__unit_id__in=unit_ids,
            need__state__in=[Need.State.SUBMITTED, Need.State.CLOSED],
            start__gte=start,
            start__lt=end,
        )
        .select_related("need__qualification", "need__unit")
        .order_by("start", "need__unit__name", "pk")[:2000]
    }
    by_need = slot_states_for_needs(
        {shift.need_id for shift in shifts.values()}, shift_ids=shifts.keys()
    )
    rows = []
    for need_rows in by_need.values():
        for row in need_rows:
            if row.shift.pk in shifts:
                row.shift = shifts[row.shift.pk]  # with its need, unit and qualification
                rows.append(row)
    rows.sort(key=lambda row: (row.shift.start, row.shift.need.unit.name, row.shift.pk))
    return rows


def unit_week(*, unit: Unit, monday: dt.date) -> list[dict]:
    """Seven days from `monday`, each with the shifts that start that day."""
    rows = roster_shifts(unit=unit, first=monday, days=7)
    by_day: dict[dt.date, list[ShiftSlots]] = defaultdict(list)
    for row in rows:
        by_day[timezone.localtime(row.shift.start).date()].append(row)
    return [
        {"date": day, "shifts": by_day[day]}
        for day in (monday + dt.timedelta(days=n) for n in range(7))
    ]


# --- exports ----------------------------------------------------------------------------------


EXPORT_FIELDS = (
    "start",
    "end",
    "placement_id",
    "placement__ready_at",
    "placement__unit__code",
    "placement__unit__name",
    "placement__need__qualification__name",
    "placement__need__qualification__name_en",
    "worker__last_name",
    "worker__first_name",
    "worker__source",
    "worker__employee__employee_number",
    "worker__agency_reference",
    "worker__agency__name",
)


def placement_shifts_for_export(
    *, units: Iterable[int], first: dt.date, last: dt.date
) -> QuerySet[PlacementShift]:
    """Active placement shifts starting on [first, last] in the given units, in time order.
    Rows come as tuples of EXPORT_FIELDS: one query, no model built per row."""
    start, end = _day_bounds(first, (last - first).days + 1)
    return (
        PlacementShift.objects.filter(
            is_active=True,
            placement__unit_id__in=list(units),
            start__gte=start,
            start__lt=end,
        )
        .order_by("start", "placement__unit__name", "worker__last_name", "pk")
        .values_list(*EXPORT_FIELDS)
    )


def placement_export_rows(rows: Iterable[tuple]) -> Iterator[list[object]]:
    """Header and one row per placement shift, for the rota and payroll systems. Labels are
    translated once, not per row; times are local (Europe/Oslo)."""
    sources = {code: str(label) for code, label in WorkerSource.choices}
    ready, onboarding = str(_("Ready")), str(_("In onboarding"))
    english = (translation.get_language() or "").startswith("en")
    tz = timezone.get_current_timezone()
    yield [
        str(label)
        for label in (
            _("Date"),
            _("Start"),
            _("End"),
            _("Hours"),
            _("Unit code"),
            _("Unit"),
            _("Qualification"),
            _("Last name"),
            _("First name"),
            _("Source"),
            _("Employee number or agency reference"),
            _("Agency"),
            _("State"),
            _("Placement"),
        )
    ]
    for (
        start_utc,
        end_utc,
        placement_id,
        ready_at,
        unit_code,
        unit_name,
        qualification,
        qualification_en,
        last_name,
        first_name,
        source,
        employee_number,
        agency_reference,
        agency,
    ) in rows:
        start, end = start_utc.astimezone(tz), end_utc.astimezone(tz)
        yield [
            f"{start.year:04d}-{start.month:02d}-{start.day:02d}",
            f"{start.hour:02d}:{start.minute:02d}",
            f"{end.hour:02d}:{end.minute:02d}",
            round((end_utc - start_utc).total_seconds() / 3600, 2),
            unit_code,
            unit_name,
            (qualification_en if english and qualification_en else qualification) or "",
            last_name,
            first_name,
            sources.get(source, source),
            employee_number or agency_reference or "",
            agency or "",
            ready if ready_at else onboarding,
            placement_id,
        ]


# --- the personal calendar feed ---------------------------------------------------------------


def worker_feed_shifts(worker: Worker, *, now: dt.datetime | None = None) -> list[PlacementShift]:
    """The person's placement shifts from a month back to a year ahead; shifts no longer
    worked are kept (the feed marks them cancelled, so calendars remove them)."""
    now = now or timezone.now()
    return list(
        PlacementShift.objects.filter(
            worker=worker,
            start__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
            start__lt=now + dt.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("placement__unit", "placement__need__qualification")
        .order_by("start", "pk")[:1000]
    )


def calendar_feed_live_for(worker: Worker) -> CalendarFeed | None:
    return CalendarFeed.objects.live().filter(worker=worker).first()
