"""Reads for needs: scoping, coverage and the derived status.

Coverage of a shift: requested = headcount, proposed = open proposals, approved = active
placement shifts, ready = approved ones whose placement is ready to start. A need's status is
derived from its active shifts' coverage by `derive_status`, never typed by hand.
"""

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from needs import hooks
from needs.models import Need, Shift
from staffing.selectors import units_visible_to


class NeedStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PARTLY_FILLED = "partly_filled"
    FILLED = "filled"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    LABELS = {
        DRAFT: _("Draft"),
        SUBMITTED: _("Submitted"),
        PARTLY_FILLED: _("Partly filled"),
        FILLED: _("Filled"),
        CLOSED: _("Closed"),
        CANCELLED: _("Cancelled"),
    }
    BADGES = {PARTLY_FILLED: "warn", FILLED: "ok", CANCELLED: "bad", SUBMITTED: "bad"}


def derive_status(
    *,
    state: str,
    slots_requested: int,
    slots_open: int,
    last_end: dt.datetime | None,
    now: dt.datetime,
) -> str:
    """The one place a need's status is decided."""
    if state == Need.State.CANCELLED:
        return NeedStatus.CANCELLED
    if state == Need.State.DRAFT:
        return NeedStatus.DRAFT
    if state == Need.State.CLOSED or not slots_requested or last_end is None or last_end <= now:
        return NeedStatus.CLOSED
    if slots_open <= 0:
        return NeedStatus.FILLED
    if slots_open < slots_requested:
        return NeedStatus.PARTLY_FILLED
    return NeedStatus.SUBMITTED


def _count_for_shift(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("shift").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _counted(name: str, **filters) -> Coalesce | Value:
    # The rows belong to placements and matching (needs.hooks), which register them.
    rows = hooks.counter_rows(name)
    if rows is None:
        return Value(0, output_field=IntegerField())
    return _count_for_shift(rows.filter(shift=OuterRef("pk"), **filters))


def _proposed_count() -> Coalesce | Value:
    return _counted("proposed")


def _approved_count(*, ready_only: bool = False) -> Coalesce | Value:
    return _counted("ready" if ready_only else "approved")


def shifts_with_coverage(queryset: QuerySet | None = None) -> QuerySet:
    """Shifts annotated with proposed, approved and ready counts (one query for any number)."""
    queryset = Shift.objects.all() if queryset is None else queryset
    return queryset.annotate(
        proposed=_proposed_count(),
        approved=_approved_count(),
        ready=_approved_count(ready_only=True),
    )


def _per_need(queryset: QuerySet, expression, name: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values("need").annotate(**{name: expression}).values(name)[:1]
        ),
        Value(0),
    )


def needs_with_coverage(queryset: QuerySet | None = None, *, now: dt.datetime | None = None):
    """Needs annotated with slot counts over their active shifts and urgency keys."""
    now = now or timezone.now()
    queryset = Need.objects.all() if queryset is None else queryset
    active = Shift.objects.active().filter(need=OuterRef("pk"))
    gaps = active.annotate(approved=_approved_count()).annotate(
        gap=Greatest(F("headcount") - F("approved"), Value(0))
    )
    return queryset.annotate(
        slots_requested=_per_need(active, Sum("headcount"), "total"),
        slots_open=_per_need(gaps, Sum("gap"), "total"),
        last_end=Subquery(
            active.order_by().values("need").annotate(last=Max("end")).values("last")[:1]
        ),
        next_open_start=Subquery(
            gaps.filter(gap__gt=0, end__gt=now).order_by("start").values("start")[:1]
        ),
    )


def with_status(need: Need, *, now: dt.datetime | None = None) -> str:
    """Status of a need annotated by `needs_with_coverage`; also stored as `need.status`."""
    need.status = derive_status(
        state=need.state,
        slots_requested=need.slots_requested,
        slots_open=need.slots_open,
        last_end=need.last_end,
        now=now or timezone.now(),
    )
    need.status_label = NeedStatus.LABELS[need.status]
    need.status_badge = NeedStatus.BADGES.get(need.status, "")
    need.slots_approved = max(need.slots_requested - need.slots_open, 0)
    return need.status


def _visible_needs(user) -> QuerySet:
    needs = Need.objects.filter(unit__in=units_visible_to(user))
    if user.role != Role.UNIT_LEADER and not user.is_administrator:
        # Drafts belong to the unit until submitted.
        needs = needs.exclude(state=Need.State.DRAFT)
    return needs


def need_get_for_user(user, pk: int) -> Need:
    """The one door to a need by id: 404 when the user may not see it."""
    need = (
        needs_with_coverage(_visible_needs(user))
        .select_related("unit", "unit__district", "qualification", "created_by", "submitted_by")
        .prefetch_related("required_skills", "preferred_skills")
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise Http404
    with_status(need)
    return need


def need_get_editable_for_user(user, pk: int) -> Need:
    """A need the user may change: their unit's, not cancelled or closed."""
    need = need_get_for_user(user, pk)
    if not (user.is_administrator or user.role == Role.UNIT_LEADER):
        raise Http404
    return need


def need_shifts(need: Need) -> list[Shift]:
    """A need's shifts with coverage and, for approved placements, who and whether ready
    (`shift.active_placements`, prefetched by placements through needs.hooks)."""
    return list(shifts_with_coverage(need.shifts.all()).prefetch_related(*hooks.shift_prefetches()))


def needs_for_leader(user) -> QuerySet:
    """My needs: the needs of the leader's units and sub-units, newest open first."""
    shifts = shifts_with_coverage(Shift.objects.active()).order_by("start")
    return (
        needs_with_coverage(_visible_needs(user))
        .select_related("unit", "qualification")
        .prefetch_related(Prefetch("shifts", queryset=shifts, to_attr="active_shifts"))
        .order_by("-created_at", "-pk")
    )


def needs_open_overview(*, now: dt.datetime | None = None) -> QuerySet:
    """All open needs across the municipality, most urgent first: priority, critical service,
    earliest open shift, most unfilled slots."""
    now = now or timezone.now()
    future = Shift.objects.active().filter(need=OuterRef("pk"), end__gt=now)
    return (
        needs_with_coverage(Need.objects.filter(state=Need.State.SUBMITTED), now=now)
        .filter(Exists(future))
        .select_related("unit", "unit__district", "qualification")
        .order_by(
            "-priority",
            "-unit__is_critical",
            F("next_open_start").asc(nulls_last=True),
            "-slots_open",
            "pk",
        )
    )
