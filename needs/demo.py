"""Demo needs: submitted needs across the health and care units over the next two weeks.

Idempotent: each demo need has a numbered title, and only missing numbers are created.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from needs.models import Need, Priority, Shift
from needs.shifts import expand_pattern
from staffing.models import Qualification, Sector, Skill, Unit

SHIFT_TIMES = [
    ("Dagvakt", dt.time(7, 30), dt.time(15, 30)),
    ("Kveldsvakt", dt.time(15, 0), dt.time(22, 30)),
    ("Nattevakt", dt.time(22, 0), dt.time(7, 30)),
]
QUALIFICATION_MIX = [
    ("sykepleier", 5),
    ("helsefagarbeider", 5),
    ("hjelpepleier", 2),
    ("vernepleier", 1),
    ("assistent", 3),
]
DESCRIPTIONS = [
    "Økt behov på grunn av sykefravær i personalgruppen.",
    "Utbrudd av influensa på avdelingen; ekstra hender til stell og måltider.",
    "Ny beboer med stort pleiebehov. Erfaring med demens er en fordel.",
    "Ferieavvikling og vakante stillinger. Oppmøte i vaktrommet i 1. etasje.",
]
LEADER_EMAIL = "leader@dugnad.test"
TITLE_MARK = "· demo"


def _title(label: str, number: int) -> str:
    return f"{label} {TITLE_MARK} {number:03d}"


@transaction.atomic
def load(*, scale: float = 1.0, seed: int = 2020) -> dict[str, int]:
    rng = random.Random(seed + 3)
    total = max(3, round(30 * scale))
    units = list(Unit.objects.filter(sector=Sector.HEALTH_AND_CARE).order_by("code"))
    quals = {q.code: q for q in Qualification.objects.filter(code__in=dict(QUALIFICATION_MIX))}
    if not units or not quals:
        return {"needs": 0, "shifts": 0}
    leader = User.objects.filter(email=LEADER_EMAIL).first()
    leader_units = (
        [u for u in units if u.pk in Unit.objects.subtree_ids(leader.led_units.all())]
        if leader
        else []
    )
    author = leader or User.objects.filter(is_superuser=True).order_by("pk").first()
    if author is None:
        return {"needs": 0, "shifts": 0}
    admin = User.objects.filter(is_superuser=True).order_by("pk").first() or author
    skills = list(Skill.objects.filter(kind=Skill.Kind.CLINICAL).order_by("code"))
    existing = set(Need.objects.filter(title__contains=TITLE_MARK).values_list("title", flat=True))
    codes, weights = zip(*[(c, w) for c, w in QUALIFICATION_MIX if c in quals], strict=True)
    today = timezone.localdate()
    now = timezone.now()

    planned: list[tuple[Need, list]] = []
    for number in range(1, total + 1):
        label, start_time, end_time = rng.choice(SHIFT_TIMES)
        # Draw everything before the idempotency check so later needs stay the same.
        mine = leader_units and number % 6 == 1
        unit = rng.choice(leader_units) if mine else rng.choice(units)
        qualification = quals[rng.choices(codes, weights=weights)[0]]
        first_day = today + dt.timedelta(days=rng.randint(1, 10))
        pattern = rng.random() < 0.6
        last_day = first_day + dt.timedelta(days=rng.randint(3, 13 - (first_day - today).days + 3))
        weekdays = rng.choice([range(5), range(7), (0, 2, 4), (5, 6)])
        headcount = rng.choice([1, 1, 1, 2, 2, 3])
        priority = rng.choices(list(Priority.values), weights=[5, 3, 2])[0]
        description = rng.choice(DESCRIPTIONS)
        title = _title(f"{label} {qualification.name.lower()}", number)
        if title in existing:
            continue
        if pattern:
            shifts = expand_pattern(
                first_day=first_day,
                last_day=min(last_day, today + dt.timedelta(days=14)),
                weekdays=weekdays,
                start_time=start_time,
                end_time=end_time,
                headcount=headcount,
            )
        else:
            shifts = []
        if not shifts:
            shifts = expand_pattern(
                first_day=first_day,
                last_day=first_day,
                weekdays=range(7),
                start_time=start_time,
                end_time=end_time,
                headcount=headcount,
            )
        by = leader if (mine and leader) else admin
        need = Need(
            unit=unit,
            qualification=qualification,
            title=title,
            description=description,
            priority=priority,
            requires_police_certificate=True,
            state=Need.State.SUBMITTED,
            created_by=by,
            submitted_by=by,
            submitted_at=now,
        )
        planned.append((need, shifts))

    needs = Need.objects.bulk_create([need for need, _ in planned])
    rows = [
        Shift(need=need, start=s.start, end=s.end, headcount=s.headcount)
        for need, (_, shifts) in zip(needs, planned, strict=True)
        for s in shifts
    ]
    Shift.objects.bulk_create(rows, batch_size=1000)
    if skills:
        through = Need.preferred_skills.through
        through.objects.bulk_create(
            [
                through(need_id=need.pk, skill_id=skills[i % len(skills)].pk)
                for i, need in enumerate(needs)
                if i % 3 == 0
            ]
        )
    return {"needs": len(needs), "shifts": len(rows)}
