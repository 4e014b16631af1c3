"""The fictional municipality of Dugnadvik: districts, units, qualifications, employees, agencies.

Idempotent: every row has a natural key (code, employee number, e-mail) and only missing rows are
created, so running it twice changes nothing. Deterministic: one seeded random generator.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from staffing.capacity import release_windows
from staffing.models import (
    Agency,
    AgreementRate,
    Availability,
    District,
    EmployeeProfile,
    FrameworkAgreement,
    ITSystem,
    Qualification,
    Release,
    Sector,
    Skill,
    Unit,
    Worker,
    WorkerSource,
)

OSLO = ZoneInfo("Europe/Oslo")
DEMO_PASSWORD = "dugnad-demo"

# Clearly fictional surnames: nobody in the seeds or the phone book.
FIRST_NAMES = [
    "Anne",
    "Ingrid",
    "Kari",
    "Marit",
    "Liv",
    "Hilde",
    "Nora",
    "Emma",
    "Sara",
    "Ida",
    "Maja",
    "Aisha",
    "Fatima",
    "Zofia",
    "Linnea",
    "Per",
    "Ole",
    "Lars",
    "Jan",
    "Knut",
    "Ola",
    "Jonas",
    "Mats",
    "Emil",
    "Ahmed",
    "Tomasz",
    "Yonas",
    "Elias",
    "Sindre",
    "Henrik",
    "Mona",
    "Tone",
]
LAST_NAMES = [
    "Dugnadsen",
    "Prøvestad",
    "Eksempelrud",
    "Fiktivsen",
    "Demoberg",
    "Testvik",
    "Øvelseth",
    "Tenktland",
    "Tullerud",
    "Plassholder",
    "Fantasidal",
    "Oppdiktsen",
    "Lånestad",
    "Dikterud",
    "Skissebakken",
    "Utkastmo",
    "Mønsterud",
    "Maletangen",
]

QUALIFICATIONS = [
    # code, name (nb), name (en), health, authorised, student, rank, covers
    ("lege", "Lege", "Doctor", True, True, False, 100, []),
    ("sykepleier", "Sykepleier", "Nurse", True, True, False, 90, ["helsefagarbeider"]),
    ("vernepleier", "Vernepleier", "Social educator", True, True, False, 85, ["helsefagarbeider"]),
    (
        "helsefagarbeider",
        "Helsefagarbeider",
        "Health worker",
        True,
        True,
        False,
        60,
        ["hjelpepleier"],
    ),
    (
        "hjelpepleier",
        "Hjelpepleier / omsorgsarbeider",
        "Auxiliary nurse",
        True,
        True,
        False,
        55,
        ["assistent"],
    ),
    ("medisinstudent", "Medisinstudent", "Medical student", True, False, True, 35, ["assistent"]),
    (
        "sykepleierstudent",
        "Sykepleierstudent",
        "Nursing student",
        True,
        False,
        True,
        30,
        ["assistent"],
    ),
    (
        "vernepleierstudent",
        "Vernepleierstudent",
        "Social educator student",
        True,
        False,
        True,
        30,
        ["assistent"],
    ),
    ("assistent", "Assistent (ufaglært)", "Care assistant (unskilled)", True, False, False, 10, []),
    ("annen", "Annen fagbakgrunn", "Other trade", False, False, False, 0, []),
]

SKILLS = [
    ("legemiddelhandtering", "Legemiddelhåndtering", Skill.Kind.CLINICAL),
    ("demensomsorg", "Demensomsorg", Skill.Kind.CLINICAL),
    ("palliasjon", "Lindrende behandling", Skill.Kind.CLINICAL),
    ("sarstell", "Sårstell", Skill.Kind.CLINICAL),
    ("smittevern", "Smittevern", Skill.Kind.CLINICAL),
    ("forerkort", "Førerkort klasse B", Skill.Kind.OTHER),
    ("engelsk", "Engelsk", Skill.Kind.LANGUAGE),
    ("polsk", "Polsk", Skill.Kind.LANGUAGE),
    ("arabisk", "Arabisk", Skill.Kind.LANGUAGE),
    ("somali", "Somali", Skill.Kind.LANGUAGE),
    ("svensk", "Svensk", Skill.Kind.LANGUAGE),
    ("tigrinja", "Tigrinja", Skill.Kind.LANGUAGE),
]

# The skills' English names (Skill.name_en), by code.
SKILL_NAMES_EN = {
    "legemiddelhandtering": "Medication handling",
    "demensomsorg": "Dementia care",
    "palliasjon": "Palliative care",
    "sarstell": "Wound care",
    "smittevern": "Infection control",
    "forerkort": "Driving licence (class B)",
    "engelsk": "English",
    "polsk": "Polish",
    "arabisk": "Arabic",
    "somali": "Somali",
    "svensk": "Swedish",
    "tigrinja": "Tigrinya",
}

IT_SYSTEMS = [
    ("EPJ Omsorg", True, "Elektronisk pasientjournal for pleie og omsorg"),
    ("Legemiddelmodul", True, "Elektronisk legemiddelhåndtering"),
    ("Turnus", False, "Turnus- og vaktplanlegging"),
    ("Velferdsteknologi", True, "Trygghetsalarmer og digitalt tilsyn"),
    ("Kjernejournal", True, "Nasjonal kjernejournal"),
]

DISTRICTS = [
    ("nord", "Dugnadvik nord"),
    ("sor", "Dugnadvik sør"),
    ("ost", "Dugnadvik øst"),
    ("vest", "Dugnadvik vest"),
    ("sentrum", "Dugnadvik sentrum"),
]

AGENCIES = [
    (
        "Vikarhuset Demo AS",
        "999000111",
        {"sykepleier": 690, "vernepleier": 670, "helsefagarbeider": 545, "assistent": 460},
    ),
    (
        "Omsorgsvikar Fiktiv AS",
        "999000222",
        {"sykepleier": 720, "helsefagarbeider": 560, "hjelpepleier": 530, "assistent": 440},
    ),
    (
        "HelseBemanning Eksempel AS",
        "999000333",
        {"sykepleier": 655, "vernepleier": 650, "helsefagarbeider": 525},
    ),
]

# Quiet share of qualification by sector, for employees.
HEALTH_MIX = [
    ("sykepleier", 30),
    ("helsefagarbeider", 35),
    ("hjelpepleier", 10),
    ("vernepleier", 8),
    ("assistent", 17),
]
OTHER_MIX = [("annen", 85), ("sykepleier", 4), ("helsefagarbeider", 5), ("assistent", 6)]


@dataclass
class DemoResult:
    created: dict[str, int]

    def add(self, key: str, n: int) -> None:
        self.created[key] = self.created.get(key, 0) + n


def _pick(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    codes, weights = zip(*mix, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _units_plan() -> list[dict]:
    """About 40 units: per district a nursing home with two wards, home care, a group home,
    a school and a kindergarten; plus the town hall, culture and technical services."""
    plan: list[dict] = []
    for code, name in DISTRICTS:
        place = name.split()[-1].capitalize()
        home = f"{code}-sykehjem"
        plan += [
            dict(
                code=home,
                name=f"{place} sykehjem",
                sector=Sector.HEALTH_AND_CARE,
                district=code,
                critical=True,
                systems=["EPJ Omsorg", "Legemiddelmodul", "Turnus"],
            ),
            dict(
                code=f"{home}-a",
                name=f"{place} sykehjem, avdeling A (skjermet)",
                sector=Sector.HEALTH_AND_CARE,
                district=code,
                critical=True,
                parent=home,
                systems=["EPJ Omsorg", "Legemiddelmodul", "Turnus"],
            ),
            dict(
                code=f"{home}-b",
                name=f"{place} sykehjem, avdeling B (korttid)",
                sector=Sector.HEALTH_AND_CARE,
                district=code,
                critical=True,
                parent=home,
                systems=["EPJ Omsorg", "Legemiddelmodul", "Turnus"],
            ),
            dict(
                code=f"{code}-hjemmetjeneste",
                name=f"Hjemmetjenesten {place}",
                sector=Sector.HEALTH_AND_CARE,
                district=code,
                critical=True,
                systems=["EPJ Omsorg", "Velferdsteknologi", "Kjernejournal", "Turnus"],
            ),
            dict(
                code=f"{code}-bofellesskap",
                name=f"{place} bofellesskap",
                sector=Sector.HEALTH_AND_CARE,
                district=code,
                critical=False,
                systems=["EPJ Omsorg", "Turnus"],
            ),
            dict(
                code=f"{code}-skole",
                name=f"{place} skole",
                sector=Sector.SCHOOLS,
                district=code,
                critical=False,
                systems=[],
            ),
            dict(
                code=f"{code}-barnehage",
                name=f"{place} barnehage",
                sector=Sector.KINDERGARTENS,
                district=code,
                critical=False,
                systems=[],
            ),
        ]
    plan += [
        dict(
            code="legevakt",
            name="Dugnadvik legevakt",
            sector=Sector.HEALTH_AND_CARE,
            district="sentrum",
            critical=True,
            systems=["EPJ Omsorg", "Kjernejournal"],
        ),
        dict(
            code="radhus",
            name="Rådhuset, sentraladministrasjonen",
            sector=Sector.ADMINISTRATION,
            district="sentrum",
            critical=False,
            systems=[],
        ),
        dict(
            code="kulturhus",
            name="Kulturhuset",
            sector=Sector.CULTURE,
            district="sentrum",
            critical=False,
            systems=[],
        ),
        dict(
            code="bibliotek",
            name="Dugnadvik bibliotek",
            sector=Sector.CULTURE,
            district="sentrum",
            critical=False,
            systems=[],
        ),
        dict(
            code="teknisk",
            name="Teknisk drift",
            sector=Sector.TECHNICAL,
            district="ost",
            critical=False,
            systems=[],
        ),
    ]
    return plan


def _ensure_reference_data(result: DemoResult) -> None:
    for code, name in DISTRICTS:
        _, created = District.objects.get_or_create(code=code, defaults={"name": name})
        result.add("districts", int(created))
    for name, clinical, description in IT_SYSTEMS:
        _, created = ITSystem.objects.get_or_create(
            name=name, defaults={"is_clinical": clinical, "description": description}
        )
        result.add("it_systems", int(created))
    for code, name, name_en, health, authorised, student, rank, _covers in QUALIFICATIONS:
        _, created = Qualification.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                is_health=health,
                requires_authorisation=authorised,
                is_student=student,
                rank=rank,
            ),
        )
        result.add("qualifications", int(created))
    by_code = {q.code: q for q in Qualification.objects.all()}
    for code, *_rest, covers in QUALIFICATIONS:
        if covers and not by_code[code].covers.exists():
            by_code[code].covers.set([by_code[c] for c in covers])
    for code, name, kind in SKILLS:
        _, created = Skill.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "name_en": SKILL_NAMES_EN.get(code, "")},
        )
        result.add("skills", int(created))

    districts = {d.code: d for d in District.objects.all()}
    systems = {s.name: s for s in ITSystem.objects.all()}
    for spec in _units_plan():
        unit, created = Unit.objects.get_or_create(
            code=spec["code"],
            defaults=dict(
                name=spec["name"],
                sector=spec["sector"],
                district=districts[spec["district"]],
                is_critical=spec["critical"],
                requires_police_certificate=spec["sector"] == Sector.HEALTH_AND_CARE,
                parent=Unit.objects.get(code=spec["parent"]) if spec.get("parent") else None,
            ),
        )
        if created:
            unit.it_systems.set([systems[s] for s in spec["systems"]])
        result.add("units", int(created))


def _ensure_users(result: DemoResult) -> list[User]:
    users = []
    specs = [
        ("admin@dugnad.test", Role.ADMIN, "Ada", "Systemansvarlig", True, []),
        ("coordinator@dugnad.test", Role.COORDINATOR, "Kari", "Koordinatorsen", False, []),
        ("hr@dugnad.test", Role.HR, "Hanne", "Personalrud", False, []),
        ("volunteers@dugnad.test", Role.VOLUNTEER_COORDINATOR, "Frida", "Frivilligsen", False, []),
        ("leader@dugnad.test", Role.UNIT_LEADER, "Lise", "Ledersen", False, ["nord-sykehjem"]),
        (
            "leader2@dugnad.test",
            Role.UNIT_LEADER,
            "Leif",
            "Ledervik",
            False,
            ["sor-hjemmetjeneste"],
        ),
    ]
    for email, role, first, last, superuser, units in specs:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                role=role,
                first_name=first,
                last_name=last,
                is_staff=superuser,
                is_superuser=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if units:
                user.led_units.set(Unit.objects.filter(code__in=units))
            result.add("users", 1)
        users.append(user)
    return users


def _ensure_employees(rng: random.Random, scale: float, hr: User, result: DemoResult) -> None:
    total = round(2000 * scale)
    units = list(Unit.objects.order_by("code"))
    existing = set(EmployeeProfile.objects.values_list("employee_number", flat=True))
    districts = {u.pk: u.district_id for u in units}
    quals = {q.code: q for q in Qualification.objects.all()}
    skills = list(Skill.objects.all())
    today = timezone.localdate()
    now = timezone.now()

    new_workers: list[Worker] = []
    plans: list[dict] = []
    for i in range(1, total + 1):
        number = f"A{i:06d}"
        # Draw every random number whether or not the row exists, so a rerun gets the same data.
        unit = rng.choice(units)
        health = unit.sector == Sector.HEALTH_AND_CARE
        qual = _pick(rng, HEALTH_MIX if health else OTHER_MIX)
        percent = (
            rng.choice([100, 100, 80, 75, 60, 50, 40, 20])
            if health
            else rng.choice([100, 100, 100, 80, 60])
        )
        wants_more = percent < 100 and rng.random() < 0.35
        # Closed schools, kindergartens and culture free people up; part-timers may take more.
        free = (not health and rng.random() < 0.5) or wants_more
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        n_skills = rng.choice([0, 0, 1, 1, 2])
        chosen_skills = rng.sample(skills, n_skills)
        verified = rng.random() < 0.9
        hpr = f"{rng.randint(1000000, 9999999)}"
        free_from = rng.randint(0, 7)
        if number in existing:
            continue
        q = quals[qual]
        worker = Worker(
            source=WorkerSource.EMPLOYEE,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{i}@ansatt.dugnadvik.test".lower(),
            phone=f"+479{i:07d}"[:11],
            # the demo shows every choice: offers by e-mail, by SMS (var/sms/) and both
            contact_channel=("both", "email", "sms")[i % 3],
            home_district_id=districts[unit.pk],
            hpr_number=hpr if q.requires_authorisation else "",
            hpr_verified_at=now if q.requires_authorisation and verified else None,
            hpr_verified_by=hr if q.requires_authorisation and verified else None,
        )
        new_workers.append(worker)
        plans.append(
            dict(
                number=number,
                unit=unit,
                qual=q,
                percent=percent,
                wants_more=wants_more,
                free=free,
                skills=chosen_skills,
                free_from=free_from,
            )
        )

    if not new_workers:
        return
    Worker.objects.bulk_create(new_workers, batch_size=1000)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+.
    EmployeeProfile.objects.bulk_create(
        [
            EmployeeProfile(
                worker=w,
                employee_number=p["number"],
                home_unit=p["unit"],
                position_percent=p["percent"],
                wants_more_hours=p["wants_more"],
            )
            for w, p in zip(new_workers, plans, strict=True)
        ],
        batch_size=1000,
    )
    WQ = Worker.qualifications.through
    WQ.objects.bulk_create(
        [
            WQ(worker_id=w.pk, qualification_id=p["qual"].pk)
            for w, p in zip(new_workers, plans, strict=True)
        ],
        batch_size=2000,
    )
    WS = Worker.skills.through
    WS.objects.bulk_create(
        [
            WS(worker_id=w.pk, skill_id=s.pk)
            for w, p in zip(new_workers, plans, strict=True)
            for s in p["skills"]
        ],
        batch_size=2000,
    )
    _employee_capacity(new_workers, plans, today, result)
    result.add("employees", len(new_workers))


# A crisis: the municipality's own free capacity covers only part of the needs. Closed schools,
# kindergartens and offices release their people three weekdays in school hours (recorded as the
# home unit's releases, as a leader would on /resources/staff/); a quarter of the part-timers who
# want more hours offer one day a week, days and evenings. Nights and weekends fall to volunteers and agency
# temps, and the matching page tells why (matching/templates/matching/includes/cheaper_sources).
RELEASED_HOURS = (dt.time(7, 0), dt.time(16, 0))
RELEASED_WEEKDAYS = "024"  # the other days they run emergency care for key workers' children
EXTRA_HOURS = (dt.time(7, 0), dt.time(23, 0))


def _employee_capacity(workers: list[Worker], plans: list[dict], today: dt.date, result) -> None:
    releases = [
        Release(
            worker=w,
            home_unit=p["unit"],
            starts_on=today + dt.timedelta(days=p["free_from"]),
            ends_on=today + dt.timedelta(days=p["free_from"] + 27),
            weekdays=RELEASED_WEEKDAYS,
            day_start=RELEASED_HOURS[0],
            day_end=RELEASED_HOURS[1],
            note="Stengt (demo)",
        )
        for w, p in zip(workers, plans, strict=True)
        if p["free"] and not p["wants_more"]
    ]
    Release.objects.bulk_create(releases, batch_size=1000)
    windows = [
        Availability(
            worker=r.worker,
            release=r,
            start=start,
            end=end,
            note=f"Frigitt av {r.home_unit.name} (demo)",
        )
        for r in releases
        for start, end in release_windows(
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            weekdays=r.weekdays,
            day_from=r.day_start,
            day_to=r.day_end,
        )
    ]
    for w, p in zip(workers, plans, strict=True):
        # a quarter have said when (the others are to answer the competence inventory)
        if not p["wants_more"] or w.pk % 4:
            continue
        # one fixed weekday per person (from the row number: no extra random draws)
        days = str(w.pk % 7)
        windows += [
            Availability(worker=w, start=start, end=end, note="Ønsker flere vakter (demo)")
            for start, end in release_windows(
                starts_on=today + dt.timedelta(days=p["free_from"]),
                ends_on=today + dt.timedelta(days=p["free_from"] + 27),
                weekdays=days,
                day_from=EXTRA_HOURS[0],
                day_to=EXTRA_HOURS[1],
            )
        ]
    Availability.objects.bulk_create(windows, batch_size=2000)
    result.add("releases", len(releases))


def _ensure_agencies(rng: random.Random, scale: float, result: DemoResult) -> None:
    today = timezone.localdate()
    quals = {q.code: q for q in Qualification.objects.all()}
    districts = list(District.objects.all())
    now = timezone.now()
    for index, (name, org, rates) in enumerate(AGENCIES, start=1):
        agency, created = Agency.objects.get_or_create(
            name=name,
            defaults={"org_number": org, "contact_email": f"oppdrag@byra{index}.test"},
        )
        result.add("agencies", int(created))
        agreement, created = FrameworkAgreement.objects.get_or_create(
            agency=agency,
            reference=f"RA-{today.year}-{index:02d}",
            defaults={
                "valid_from": dt.date(today.year, 1, 1),
                "valid_to": dt.date(today.year + 1, 12, 31),
            },
        )
        if created:
            AgreementRate.objects.bulk_create(
                [
                    AgreementRate(
                        agreement=agreement, qualification=quals[c], hourly_rate=Decimal(r)
                    )
                    for c, r in rates.items()
                ]
            )
        temps = round(60 * scale)
        existing = agency.temps.count()
        new = []
        plans = []
        for i in range(temps):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            qual = rng.choice(list(rates))
            district = rng.choice(districts)
            if i < existing:
                continue
            q = quals[qual]
            new.append(
                Worker(
                    source=WorkerSource.AGENCY,
                    agency=agency,
                    first_name=first,
                    last_name=last,
                    email=f"vikar{index}.{i}@byra{index}.test",
                    home_district=district,
                    hpr_number=f"{8000000 + index * 100000 + i}"
                    if q.requires_authorisation
                    else "",
                    hpr_verified_at=now if q.requires_authorisation else None,
                )
            )
            plans.append(q)
        if new:
            Worker.objects.bulk_create(new, batch_size=1000)
            WQ = Worker.qualifications.through
            WQ.objects.bulk_create(
                [WQ(worker_id=w.pk, qualification_id=q.pk) for w, q in zip(new, plans, strict=True)]
            )
            Availability.objects.bulk_create(
                [
                    Availability(
                        worker=w,
                        start=dt.datetime.combine(today, dt.time(0, 0), OSLO),
                        end=dt.datetime.combine(today + dt.timedelta(days=42), dt.time(0, 0), OSLO),
                        note="Tilgjengelig via rammeavtale (demo)",
                    )
                    for w in new
                ]
            )
            result.add("agency_temps", len(new))


@transaction.atomic
def load(*, scale: float = 1.0, seed: int = 2020) -> tuple[DemoResult, list[User]]:
    rng = random.Random(seed)
    result = DemoResult(created={})
    _ensure_reference_data(result)
    users = _ensure_users(result)
    hr = next(u for u in users if u.role == Role.HR)
    _ensure_employees(rng, scale, hr, result)
    _ensure_agencies(rng, scale, result)
    return result, users
