"""Search across the staff pages: needs, people and placements, each role finding only what
it may open. Reads only; the term comes from the session, never from an address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from needs.models import Need
from placements.models import Placement
from staffing.models import Worker
from staffing.selectors import units_visible_to

SEARCH_ROLES = (Role.UNIT_LEADER, Role.COORDINATOR, Role.HR)
KINDS = {"needs": _("Needs"), "people": _("People"), "placements": _("Placements")}
MAX_WORDS = 6


@dataclass
class Results:
    querysets: dict[str, QuerySet]
    counts: dict[str, int]

    @property
    def kinds(self) -> list[str]:
        return list(self.querysets)

    def first_kind(self) -> str | None:
        for kind in self.querysets:
            if self.counts[kind]:
                return kind
        return next(iter(self.querysets), None)

    def tabs(self) -> list[tuple[str, str, int]]:
        return [(kind, str(KINDS[kind]), self.counts[kind]) for kind in self.querysets]


def _words(term: str) -> list[str]:
    return term.split()[:MAX_WORDS]


def _person_condition(term: str, prefix: str = "") -> Q:
    """Every word in the first or last name, or the e-mail, or the phone number however it is
    written (the last eight digits are compared)."""
    names = Q()
    for word in _words(term):
        names &= Q(**{f"{prefix}first_name__icontains": word}) | Q(
            **{f"{prefix}last_name__icontains": word}
        )
    condition = names | Q(**{f"{prefix}email__iexact": term})
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 5 and not re.search(r"[^\d\s+()./-]", term):
        condition |= Q(**{f"{prefix}phone__contains": digits[-8:]})
    return condition


def _need_condition(term: str) -> Q:
    condition = Q()
    for word in _words(term):
        condition &= (
            Q(title__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(qualification__name__icontains=word)
            | Q(qualification__name_en__icontains=word)
        )
    if term.isdigit() and len(term) < 10:
        condition |= Q(pk=int(term))
    return condition


def _needs(user: User, term: str) -> QuerySet[Need]:
    needs = Need.objects.filter(unit__in=units_visible_to(user))
    if user.role != Role.UNIT_LEADER and not user.is_administrator:
        needs = needs.exclude(state=Need.State.DRAFT)  # drafts stay with their unit
    return (
        needs.filter(_need_condition(term))
        .select_related("unit", "qualification")
        .order_by("-created_at", "-pk")
    )


def _placements(user: User, term: str) -> QuerySet[Placement]:
    words = Q()
    for word in _words(term):
        words &= (
            Q(worker__first_name__icontains=word)
            | Q(worker__last_name__icontains=word)
            | Q(unit__name__icontains=word)
        )
    return (
        Placement.objects.filter(unit__in=units_visible_to(user), status=Placement.Status.ACTIVE)
        .filter(words | _person_condition(term, "worker__"))
        .select_related("worker", "unit", "need__qualification")
        .order_by("-approved_at", "-pk")
    )


def _people(user: User, term: str) -> QuerySet[Worker]:
    workers = Worker.objects.filter(_person_condition(term))
    if not user.has_role(Role.COORDINATOR):
        # HR and leaders find only the people placed where they work; coordinators everyone.
        placed = Placement.objects.filter(
            unit__in=units_visible_to(user), status=Placement.Status.ACTIVE
        )
        workers = workers.filter(placements__in=placed).annotate(
            latest_placement=Max("placements__pk", filter=Q(placements__in=placed))
        )
    return workers.select_related("agency").order_by("last_name", "first_name", "pk")


def staff_search(user: User, term: str) -> Results:
    term = term.strip()[:100]
    querysets: dict[str, QuerySet] = {}
    if not term or not user.has_role(*SEARCH_ROLES):
        return Results(querysets={}, counts={})
    if user.has_role(Role.UNIT_LEADER, Role.COORDINATOR):
        querysets["needs"] = _needs(user, term)
    if user.has_role(Role.COORDINATOR, Role.HR):
        querysets["people"] = _people(user, term)
    querysets["placements"] = _placements(user, term)
    return Results(querysets=querysets, counts={k: qs.count() for k, qs in querysets.items()})


def result_url(user: User, kind: str, obj) -> str | None:
    if kind == "needs":
        return reverse("needs:detail", args=[obj.pk])
    if kind == "people":
        return person_url(user, obj)
    return placement_url(user, obj)


def person_url(user: User, worker: Worker) -> str | None:
    """Where this role opens a person found: the person's page for coordinators, the
    placement's checklist for HR (leaders find people through their placements)."""
    if user.has_role(Role.COORDINATOR):
        return reverse("resources:person", args=[worker.pk])
    latest = getattr(worker, "latest_placement", None)
    if user.has_role(Role.HR) and latest:
        return reverse("placements:placement_detail", args=[latest])
    return None


def placement_url(user: User, placement: Placement) -> str:
    if user.has_role(Role.HR):
        return reverse("placements:placement_detail", args=[placement.pk])
    return reverse("needs:detail", args=[placement.need_id])
