"""Demo volunteers for Dugnadvik: ~300 × scale registrations, some already in the staffing pool.

Idempotent (natural key: the e-mail address frivillig-NNNNN@example.test) and deterministic.
Names are invented; e-mail addresses use the reserved example.test domain.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from staffing.demo import FIRST_NAMES, LAST_NAMES
from staffing.models import Availability, District, Qualification, Skill, Worker, WorkerSource
from volunteers.models import Event, GeneralTask, Status, TimeOfDay, Volunteer
from volunteers.rules import QualificationFacts, availability_windows, route_suggest

BASE_COUNT = 300
# Qualification mix of registrations (a crisis brings many health-educated people).
MIX = [
    ("sykepleier", 14),
    ("helsefagarbeider", 12),
    ("hjelpepleier", 6),
    ("vernepleier", 5),
    ("lege", 3),
    ("medisinstudent", 7),
    ("sykepleierstudent", 12),
    ("vernepleierstudent", 4),
    ("assistent", 10),
    ("annen", 27),
]


def _email(n: int) -> str:
    return f"frivillig-{n:05d}@example.test"


def _phone(rng: random.Random) -> str:
    return f"+47{rng.choice('49')}{rng.randrange(10**7):07d}"


@transaction.atomic
def load(*, scale: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed + 4)
    total = max(1, round(BASE_COUNT * scale))
    quals = {q.code: q for q in Qualification.objects.all()}
    mix = [(code, w) for code, w in MIX if code in quals]
    if not mix:
        return {}
    districts = list(District.objects.all())
    languages = list(Skill.objects.filter(kind=Skill.Kind.LANGUAGE))
    existing = set(
        Volunteer.objects.filter(email__startswith="frivillig-").values_list("email", flat=True)
    )
    now = timezone.now()
    today = timezone.localdate()
    codes, weights = zip(*mix, strict=True)

    plans = []
    for n in range(1, total + 1):
        # Draw every number whether or not the row exists, so reruns pick the same values.
        code = rng.choices(codes, weights=weights)[0]
        qual = quals[code]
        wants_contract = qual.is_health and rng.random() < 0.7
        tasks = rng.sample(list(GeneralTask.values), k=rng.randint(0 if wants_contract else 1, 2))
        weekdays = sorted(rng.sample("1234567", k=rng.randint(0, 5)))
        times = sorted(rng.sample(list(TimeOfDay.values), k=rng.randint(1, 2)))
        registered = now - dt.timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 1440))
        hpr = f"{rng.randrange(10**6, 10**7)}" if qual.requires_authorisation else ""
        admitted = rng.random() < 0.5
        contacted = rng.random() < 0.5
        langs = rng.sample(languages, k=min(len(languages), rng.randint(0, 2)))
        district = rng.choice(districts) if districts else None
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        phone = _phone(rng)
        start = today + dt.timedelta(days=rng.randint(0, 14))
        if _email(n) in existing:
            continue
        route = route_suggest(
            qualifications=[QualificationFacts(qual.code, qual.is_health)],
            wants_contract=wants_contract,
        )
        status = Status.NEW
        if route == "staffing_pool" and admitted:
            status = Status.STAFFING_POOL
        elif route == "general_volunteer" and admitted:
            status = Status.GENERAL_VOLUNTEER
        elif route == "emergency_clinic" and admitted:
            status = Status.EMERGENCY_CLINIC
        elif contacted:
            status = Status.CONTACTED
        volunteer = Volunteer(
            first_name=first,
            last_name=last,
            email=_email(n),
            phone=phone,
            contact_channel=("both", "sms", "email")[n % 3],
            district=district,
            study_year=rng.randint(1, 5) if qual.is_student else None,
            hpr_number=hpr,
            available_from=start,
            weekdays=",".join(weekdays),
            times_of_day=",".join(times),
            hours_per_week=rng.choice([None, 8, 15, 20, 37]),
            wants_contract=wants_contract,
            general_tasks=",".join(sorted(tasks)),
            consent_version="demo",
            consent_at=registered,
            status=status,
            suggested_route=route,
            registered_at=registered,
            last_activity_at=registered,
        )
        plans.append((volunteer, qual, langs, registered))

    if not plans:
        return {"volunteers": 0}
    Volunteer.objects.bulk_create([p[0] for p in plans])
    # SQLite before 3.35 returns no ids from bulk_create: read them back by e-mail.
    by_email = dict(
        Volunteer.objects.filter(email__in=[p[0].email for p in plans]).values_list("email", "pk")
    )
    for volunteer, *_rest in plans:
        volunteer.pk = by_email[volunteer.email]

    QualThrough = Volunteer.qualifications.through
    LangThrough = Volunteer.languages.through
    QualThrough.objects.bulk_create(
        [QualThrough(volunteer_id=v.pk, qualification_id=q.pk) for v, q, _l, _r in plans]
    )
    LangThrough.objects.bulk_create(
        [LangThrough(volunteer_id=v.pk, skill_id=s.pk) for v, _q, langs, _r in plans for s in langs]
    )
    Event.objects.bulk_create(
        [Event(volunteer_id=v.pk, kind=Event.Kind.REGISTERED) for v, *_rest in plans]
    )

    pool = [p for p in plans if p[0].status == Status.STAFFING_POOL]
    # HR has checked the HPR numbers of most of the pool (every fifth is still waiting, so the
    # HPR queue has work); without it an authorised volunteer is never proposed.
    checked_at = timezone.now()
    workers = [
        Worker(
            source=WorkerSource.VOLUNTEER,
            first_name=v.first_name,
            last_name=v.last_name,
            email=v.email,
            phone=v.phone,
            contact_channel=v.contact_channel,
            hpr_number=v.hpr_number,
            hpr_verified_at=checked_at if v.hpr_number and n % 5 else None,
            home_district=v.district,
        )
        for n, (v, *_rest) in enumerate(pool)
    ]
    Worker.objects.bulk_create(workers)
    worker_ids = dict(
        Worker.objects.filter(
            source=WorkerSource.VOLUNTEER, email__in=[w.email for w in workers]
        ).values_list("email", "pk")
    )
    windows = []
    worker_quals = []
    worker_skills = []
    for volunteer, qual, langs, _r in pool:
        volunteer.worker_id = worker_ids[volunteer.email]
        worker_quals.append(
            Worker.qualifications.through(worker_id=volunteer.worker_id, qualification_id=qual.pk)
        )
        worker_skills += [
            Worker.skills.through(worker_id=volunteer.worker_id, skill_id=s.pk) for s in langs
        ]
        for start, end in availability_windows(
            available_from=volunteer.available_from,
            available_to=None,
            weekdays=volunteer.weekday_list,
            times_of_day=volunteer.times_list,
            today=today,
            horizon_days=28,
        ):
            windows.append(
                Availability(worker_id=volunteer.worker_id, start=start, end=end, note="volunteer")
            )
    Volunteer.objects.bulk_update([p[0] for p in pool], ["worker"], batch_size=500)
    Worker.qualifications.through.objects.bulk_create(worker_quals)
    Worker.skills.through.objects.bulk_create(worker_skills)
    Availability.objects.bulk_create(windows, batch_size=2000)
    return {
        "volunteers": len(plans),
        "volunteer_workers": len(workers),
        "volunteer_availability": len(windows),
    }
