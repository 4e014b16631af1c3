"""Loading: what matching needs from the database, in a handful of flat queries.

Workers become rows of numpy arrays (index i ↔ `worker_ids[i]`), so that the rules and the
cost can be evaluated for thousands of workers per shift without a Python loop over
slot × worker. The same loader serves a whole run (every open shift, every active worker) and
the approval re-check (one shift, one worker), so both see the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max, Min, Q

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The 7-day rule needs bookings from a week either side of the slots.
BOOKED_MARGIN = dt.timedelta(days=8)


def secs(value: dt.datetime) -> int:
    return round((value - EPOCH).total_seconds())


@dataclass(slots=True)
class NeedInfo:
    id: int
    title: str
    qualification_id: int
    priority: int
    unit_id: int
    unit_name: str
    district_id: int
    is_critical: bool
    required: tuple[int, ...]
    preferred: tuple[int, ...]
    n_shifts: int = 0


@dataclass(slots=True)
class ShiftInfo:
    id: int
    need_id: int
    start: dt.datetime
    end: dt.datetime
    open_indexes: tuple[int, ...]
    # how many workers are left after each rule, in the order of eligibility.RULES (for
    # "why nobody fits")
    passed: dict[str, int] = field(default_factory=dict)
    # eligible candidates left out by MAX_CANDIDATES_PER_SLOT (see instance_build's `widen`)
    n_left_out: int = 0

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(slots=True)
class WorkerInfo:
    id: int
    name: str
    source: str
    is_active: bool
    district_id: int | None
    agency_id: int | None
    agency_name: str
    verified_hpr: bool
    quals: tuple[int, ...] = ()  # every qualification held; eligibility decides which count
    skills: frozenset[int] = frozenset()
    percent: int | None = None
    wants_more: bool = False
    home_unit: str = ""
    booked_hours: float = 0.0

    @property
    def wants_more_hours(self) -> bool:
        """A part-time employee who asked for more hours (arbeidsmiljøloven § 14-3)."""
        return self.wants_more and (self.percent or 100) < 100


@dataclass
class Snapshot:
    """The facts one matching decision rests on; no ORM objects, so rules stay plain."""

    now: dt.datetime
    needs: dict[int, NeedInfo]
    shifts: dict[int, ShiftInfo]
    workers: dict[int, WorkerInfo]
    qual_names: dict[int, str]
    skill_names: dict[int, str]
    covers: dict[int, frozenset[int]]  # qualification -> what it covers (transitive, incl. self)
    authorised: frozenset[int]  # qualifications matched only with a verified HPR number
    student: frozenset[int]  # student qualifications (assistant needs only)
    worker_ids: np.ndarray
    index_of: dict[int, int]
    booked: dict[int, list[tuple[dt.datetime, dt.datetime]]]
    # availability windows: worker index, start and end in epoch seconds
    av_w: np.ndarray
    av_s: np.ndarray
    av_e: np.ndarray
    # (agency, qualification) -> [(valid from, valid to, hourly rate)]
    rates: dict[tuple[int, int], list[tuple[dt.date, dt.date, float]]]
    rejected: dict[int, set[int]]  # shift -> workers a coordinator said no to
    placed_on_need: set[tuple[int, int]]
    placed_count_on_need: dict[tuple[int, int], int]
    # per-snapshot memo for rule masks and agency rates (see eligibility)
    memo: dict = field(default_factory=dict)
    # absences (whole Oslo days): worker index, start and end in epoch seconds
    ab_w: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ab_s: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ab_e: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # credentials with a valid-until, by worker id: qualification / skill -> last valid day,
    # and the health authorisation's last valid day
    qual_until: dict[int, dict[int, dt.date]] = field(default_factory=dict)
    skill_until: dict[int, dict[int, dt.date]] = field(default_factory=dict)
    hpr_until: dict[int, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = self.worker_ids.tolist()
        infos = [self.workers[i] for i in ids]
        source = np.array([w.source for w in infos], dtype=object)
        self.is_employee = source == "employee"
        self.is_volunteer = source == "volunteer"
        self.is_agency = source == "agency"
        self.active = np.array([w.is_active for w in infos], dtype=bool)
        self.verified = np.array([w.verified_hpr for w in infos], dtype=bool)
        self.wants_more_hours = np.array([w.wants_more_hours for w in infos], dtype=bool)
        self.district = np.array([w.district_id or 0 for w in infos], dtype=np.int64)
        self.booked_hours = np.array([w.booked_hours for w in infos], dtype=float)
        holds: dict[int, set[int]] = defaultdict(set)
        has_skill: dict[int, set[int]] = defaultdict(set)
        for w in infos:
            for q in w.quals:
                holds[q].add(w.id)
            for s in w.skills:
                has_skill[s].add(w.id)
        self.holds = {q: self.mask(ids_) for q, ids_ in holds.items()}
        self.has_skill = {s: self.mask(ids_) for s, ids_ in has_skill.items()}

    @property
    def n_workers(self) -> int:
        return len(self.worker_ids)

    def mask(self, ids: Iterable[int]) -> np.ndarray:
        v = np.zeros(self.n_workers, dtype=bool)
        idx = [self.index_of[i] for i in ids if i in self.index_of]
        v[idx] = True
        return v

    def nobody(self) -> np.ndarray:
        return np.zeros(self.n_workers, dtype=bool)


def _closure(direct: dict[int, set[int]], ids: list[int]) -> dict[int, frozenset[int]]:
    out: dict[int, frozenset[int]] = {}
    for q in ids:
        seen = {q}
        stack = [q]
        while stack:
            for nxt in direct.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out[q] = frozenset(seen)
    return out


def _id_list(ids: list[int]):
    """`pk__in` operand for thousands of ids: on PostgreSQL one array parameter (thousands of
    parameters cost more to build and send than the query itself), elsewhere the list."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def snapshot_load(
    *,
    now: dt.datetime,
    shift_ids: Iterable[int] | None = None,
    worker_ids: Iterable[int] | None = None,
    open_shift_ids: Iterable[int] | None = None,
    available_only: bool = False,
) -> Snapshot:
    """A run's snapshot: the open future shifts and every active worker. With `shift_ids` and
    `worker_ids`, just those shifts (whatever their state) and workers (active or not): the
    approval re-check's view of one decision. With `open_shift_ids`, a run's view of just
    those of the open future shifts (the incremental re-solve's part of the instance): the
    bookings still count over the whole run's horizon, so that costs are a full run's; with
    `available_only` too, only the workers with an availability window covering one of those
    shifts are loaded (nobody else passes the availability rule; the counts of the rules
    before it then count those workers only)."""
    from matching.models import Offer, ProposalRejection
    from needs.models import Need, Shift
    from placements.models import PlacementShift
    from staffing.models import (
        AgreementRate,
        Availability,
        EmployeeProfile,
        Qualification,
        Skill,
        Worker,
    )

    # --- shifts and their needs ----------------------------------------------------------
    if shift_ids is None:
        shift_qs = Shift.objects.open().filter(start__gt=now)
        placed_qs = PlacementShift.objects.filter(is_active=True, shift__start__gt=now)
        pending_qs = Offer.objects.pending().filter(shift__start__gt=now)
        if open_shift_ids is not None:
            open_shift_ids = list(open_shift_ids)
            shift_qs = shift_qs.filter(pk__in=open_shift_ids)
            placed_qs = placed_qs.filter(shift_id__in=open_shift_ids)
            pending_qs = pending_qs.filter(shift_id__in=open_shift_ids)
    else:
        shift_ids = list(shift_ids)
        shift_qs = Shift.objects.filter(pk__in=shift_ids)
        placed_qs = PlacementShift.objects.filter(is_active=True, shift_id__in=shift_ids)
    shift_rows = list(
        shift_qs.order_by("start", "pk").values_list("pk", "need_id", "start", "end", "headcount")
    )
    placed = dict(placed_qs.values("shift_id").annotate(n=Count("pk")).values_list("shift_id", "n"))
    if shift_ids is None:
        # A slot with an offer waiting for an answer is pinned: no run proposes anyone else.
        for sid, n in (
            pending_qs.values("shift_id").annotate(n=Count("pk")).values_list("shift_id", "n")
        ):
            placed[sid] = placed.get(sid, 0) + n
    shifts: dict[int, ShiftInfo] = {}
    for pk, need_id, start, end, headcount in shift_rows:
        taken = placed.get(pk, 0)
        if taken < headcount or shift_ids is not None:
            shifts[pk] = ShiftInfo(pk, need_id, start, end, tuple(range(taken, headcount)))

    need_ids = {s.need_id for s in shifts.values()}
    needs: dict[int, NeedInfo] = {}
    for row in Need.objects.filter(pk__in=need_ids).values(
        "pk",
        "title",
        "qualification_id",
        "priority",
        "unit_id",
        "unit__name",
        "unit__district_id",
        "unit__is_critical",
    ):
        needs[row["pk"]] = NeedInfo(
            id=row["pk"],
            title=row["title"],
            qualification_id=row["qualification_id"],
            priority=row["priority"],
            unit_id=row["unit_id"],
            unit_name=row["unit__name"],
            district_id=row["unit__district_id"],
            is_critical=row["unit__is_critical"],
            required=(),
            preferred=(),
        )
    required: dict[int, list[int]] = defaultdict(list)
    for nid, sid in Need.required_skills.through.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "skill_id"
    ):
        required[nid].append(sid)
    preferred: dict[int, list[int]] = defaultdict(list)
    for nid, sid in Need.preferred_skills.through.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "skill_id"
    ):
        preferred[nid].append(sid)
    for nid, n in needs.items():
        n.required = tuple(sorted(required[nid]))
        n.preferred = tuple(sorted(preferred[nid]))
    for nid, total in (
        Shift.objects.active()
        .filter(need_id__in=need_ids)
        .values("need_id")
        .annotate(n=Count("pk"))
        .values_list("need_id", "n")
    ):
        needs[nid].n_shifts = total

    # --- qualifications ------------------------------------------------------------------
    quals = list(
        Qualification.objects.values_list("pk", "name", "requires_authorisation", "is_student")
    )
    qual_names = {pk: name for pk, name, _, _ in quals}
    direct: dict[int, set[int]] = defaultdict(set)
    for a, b in Qualification.covers.through.objects.values_list(
        "from_qualification_id", "to_qualification_id"
    ):
        direct[a].add(b)
    skill_names = dict(Skill.objects.values_list("pk", "name"))

    # --- workers -------------------------------------------------------------------------
    if worker_ids is None:
        worker_qs = Worker.objects.active()
        cover = Q()
        if open_shift_ids is not None and available_only:
            # free for one of the shifts and holding a qualification one of their needs takes
            cover = Q(pk__in=[])
            for start, end in {(s.start, s.end) for s in shifts.values()}:
                cover |= Q(start__lte=start, end__gte=end)
            closure = _closure(direct, list(qual_names))
            wanted = {n.qualification_id for n in needs.values()}
            fitting = [q for q, covered in closure.items() if covered & wanted]
            ids = list(
                worker_qs.filter(
                    pk__in=Availability.objects.filter(cover).values("worker_id"),
                    qualifications__in=fitting,
                )
                .values_list("pk", flat=True)
                .distinct()
            )
            worker_qs = Worker.objects.filter(pk__in=_id_list(ids))
    else:
        worker_qs = Worker.objects.filter(pk__in=list(worker_ids))
    verified = set(worker_qs.with_verified_hpr().values_list("pk", flat=True))
    workers: dict[int, WorkerInfo] = {}
    # valid-until days of credentials that have one (eligibility: "credential_expired")
    hpr_until: dict[int, dt.date] = {}
    qual_until: dict[int, dict[int, dt.date]] = defaultdict(dict)
    skill_until: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for row in worker_qs.order_by("pk").values(
        "pk",
        "first_name",
        "last_name",
        "source",
        "is_active",
        "home_district_id",
        "agency_id",
        "agency__name",
        "hpr_valid_until",
    ):
        if row["hpr_valid_until"] is not None:
            hpr_until[row["pk"]] = row["hpr_valid_until"]
        workers[row["pk"]] = WorkerInfo(
            id=row["pk"],
            name=f"{row['first_name']} {row['last_name']}".strip(),
            source=row["source"],
            is_active=row["is_active"],
            district_id=row["home_district_id"],
            agency_id=row["agency_id"],
            agency_name=row["agency__name"] or "",
            verified_hpr=row["pk"] in verified,
        )
    in_scope = {"worker__in": worker_qs}
    wq: dict[int, list[int]] = defaultdict(list)
    for wid, qid, until in Worker.qualifications.through.objects.filter(**in_scope).values_list(
        "worker_id", "qualification_id", "valid_until"
    ):
        wq[wid].append(qid)
        if until is not None:
            qual_until[wid][qid] = until
    ws: dict[int, set[int]] = defaultdict(set)
    for wid, sid, until in Worker.skills.through.objects.filter(**in_scope).values_list(
        "worker_id", "skill_id", "valid_until"
    ):
        ws[wid].add(sid)
        if until is not None:
            skill_until[wid][sid] = until
    for wid, info in workers.items():
        info.quals = tuple(sorted(wq.get(wid, ())))
        info.skills = frozenset(ws.get(wid, ()))
    for wid, percent, more, unit in EmployeeProfile.objects.filter(**in_scope).values_list(
        "worker_id", "position_percent", "wants_more_hours", "home_unit__name"
    ):
        if wid in workers:
            info = workers[wid]
            info.percent, info.wants_more, info.home_unit = percent, more, unit

    ids = np.array(sorted(workers), dtype=np.int64)
    index_of = {wid: i for i, wid in enumerate(ids.tolist())}

    # --- bookings: existing active placement shifts around the horizon -------------------
    horizon_start = min((s.start for s in shifts.values()), default=now)
    horizon_end = max((s.end for s in shifts.values()), default=now)
    # availability matters only for the shifts loaded
    av_start, av_end = horizon_start, horizon_end
    if open_shift_ids is not None and shifts:
        # a part of a run: the bookings a full run would count (its hours-worked cost term)
        whole = Shift.objects.open().filter(start__gt=now).aggregate(lo=Min("start"), hi=Max("end"))
        horizon_start = min(horizon_start, whole["lo"] or horizon_start)
        horizon_end = max(horizon_end, whole["hi"] or horizon_end)
    booked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    placed_on_need: set[tuple[int, int]] = set()
    placed_count: dict[tuple[int, int], int] = defaultdict(int)
    bookings = PlacementShift.objects.filter(
        is_active=True,
        end__gt=horizon_start - BOOKED_MARGIN,
        start__lt=horizon_end + BOOKED_MARGIN,
    )
    if worker_ids is not None:
        bookings = bookings.filter(worker_id__in=list(workers))
    elif available_only:
        bookings = bookings.filter(worker__in=worker_qs)
    for wid, start, end, need_id in bookings.values_list(
        "worker_id", "start", "end", "shift__need_id"
    ):
        booked[wid].append((start, end))
        placed_on_need.add((wid, need_id))
        placed_count[(wid, need_id)] += 1
    # A person with an offer waiting is tentatively booked for its shift. The re-check of one
    # decision leaves out offers on the shifts it decides: accepting an offer must not collide
    # with the offer itself.
    offered = Offer.objects.pending().filter(
        shift__end__gt=horizon_start - BOOKED_MARGIN,
        shift__start__lt=horizon_end + BOOKED_MARGIN,
    )
    if worker_ids is not None:
        offered = offered.filter(worker_id__in=list(workers))
    if shift_ids is not None:
        offered = offered.exclude(shift_id__in=shift_ids)
    for wid, start, end in offered.values_list("worker_id", "shift__start", "shift__end"):
        booked[wid].append((start, end))
    for wid, intervals in booked.items():
        if wid in workers:
            workers[wid].booked_hours = sum((e - s).total_seconds() for s, e in intervals) / 3600

    # --- availability windows overlapping the horizon ------------------------------------
    av_qs = Availability.objects.filter(**in_scope, end__gt=av_start, start__lt=av_end)
    if available_only:
        av_qs = av_qs.filter(cover)  # only the windows that cover a shift count
    av = [r for r in av_qs.values_list("worker_id", "start", "end") if r[0] in index_of]

    # --- agency rates --------------------------------------------------------------------
    agencies = {w.agency_id for w in workers.values() if w.agency_id is not None}
    rates: dict[tuple[int, int], list[tuple[dt.date, dt.date, float]]] = defaultdict(list)
    for agency_id, qid, valid_from, valid_to, rate in AgreementRate.objects.filter(
        agreement__agency_id__in=agencies
    ).values_list(
        "agreement__agency_id",
        "qualification_id",
        "agreement__valid_from",
        "agreement__valid_to",
        "hourly_rate",
    ):
        rates[(agency_id, qid)].append((valid_from, valid_to, float(rate)))

    absences = _absences(worker_qs, index_of, horizon_start, horizon_end)

    rejected: dict[int, set[int]] = defaultdict(set)
    rejections = ProposalRejection.objects.filter(shift_id__in=list(shifts))
    if worker_ids is not None:
        rejections = rejections.filter(worker_id__in=list(workers))
    for wid, sid in rejections.values_list("worker_id", "shift_id"):
        rejected[sid].add(wid)

    return Snapshot(
        now=now,
        needs=needs,
        shifts=shifts,
        workers=workers,
        qual_names=qual_names,
        skill_names=skill_names,
        covers=_closure(direct, list(qual_names)),
        authorised=frozenset(pk for pk, _, auth, _ in quals if auth),
        student=frozenset(pk for pk, _, _, student in quals if student),
        worker_ids=ids,
        index_of=index_of,
        booked=booked,
        av_w=np.array([index_of[r[0]] for r in av], dtype=np.int64),
        av_s=np.array([secs(r[1]) for r in av], dtype=np.int64),
        av_e=np.array([secs(r[2]) for r in av], dtype=np.int64),
        rates=rates,
        rejected=rejected,
        placed_on_need=placed_on_need,
        placed_count_on_need=dict(placed_count),
        ab_w=np.array([index_of[w] for w, _s, _e in absences], dtype=np.int64),
        ab_s=np.array([s for _w, s, _e in absences], dtype=np.int64),
        ab_e=np.array([e for _w, _s, e in absences], dtype=np.int64),
        qual_until=dict(qual_until),
        skill_until=dict(skill_until),
        hpr_until=hpr_until,
    )


def _absences(worker_qs, index_of, horizon_start, horizon_end) -> list[tuple[int, int, int]]:
    """Absences overlapping the horizon, as (worker, start, end) in epoch seconds of whole
    Oslo days."""
    from zoneinfo import ZoneInfo

    from staffing.models import Absence

    oslo = ZoneInfo("Europe/Oslo")
    first = horizon_start.astimezone(oslo).date() - dt.timedelta(days=1)
    last = horizon_end.astimezone(oslo).date()
    return [
        (
            wid,
            secs(dt.datetime.combine(start, dt.time.min, tzinfo=oslo)),
            secs(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=oslo)),
        )
        for wid, start, end in Absence.objects.filter(
            worker__in=worker_qs, ends_on__gte=first, starts_on__lte=last
        ).values_list("worker_id", "starts_on", "ends_on")
        if wid in index_of
    ]
