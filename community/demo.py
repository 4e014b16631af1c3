"""Demo help requests for Dugnadvik: a few in every state (new and urgent, taken by phone,
signalling a care need, sent to volunteers, taken as a weekly series, done, referred, closed),
a volunteer contact person, a volunteer placed for an activity, and a course session.

Idempotent: nothing is added once any help request exists. Residents' names are invented and
phone numbers are in the range Nkom reserves for fiction (+47 9xx... on example.test people).
"""

import datetime as dt

from django.utils import timezone

from accounts.models import Role, User
from community import services
from community.models import HelpRequest, Task
from staffing.models import District, Sector, Unit
from volunteers.models import CourseSession, Status, Volunteer
from volunteers.services import course_signup, volunteer_register, volunteer_screen

RESIDENTS = [
    # kind, first name, frequency, urgent, relation, description
    ("pharmacy", "Ingrid", "once", True, "relative", "Resepten ligger klar på Vitusapotek."),
    ("phone_friend", "Harald", "weekly", False, "self", "Liker å snakke om fotball."),
    ("other", "Solveig", "once", False, "neighbour", "Trenger hjelp med dusj og medisiner."),
    ("shopping", "Arne", "weekly", False, "neighbour", "Handler på Rema, ringer på to ganger."),
    ("phone_friend", "Gerd", "weekly", False, "relative", "Bor alene, hører litt dårlig."),
    ("pharmacy", "Olav", "once", False, "self", ""),
    ("walk", "Kari", "once", False, "relative", "Vil gjerne gå en tur langs elva."),
    ("transport", "Per", "once", False, "self", "Skal til frisøren."),
]


HELPERS = [("Kari", "Nordby"), ("Ola", "Haugen"), ("Siri", "Berg"), ("Jonas", "Lie")]


def _helpers(district: District, coordinator: User, today: dt.date) -> None:
    """A handful of general volunteers free every day in the demo's district, registered and
    screened the way real ones are."""
    for n, (first, last) in enumerate(HELPERS):
        registration = volunteer_register(
            data={
                "first_name": first,
                "last_name": last,
                "email": f"frivillig-hjelp-{n + 1}@example.test",
                "phone": f"+4795000{n:03d}",
                "district": district,
                "postcode": "",
                "qualifications": [],
                "available_from": today,
                "available_to": None,
                "weekdays": [],
                "times_of_day": ["day", "evening"],
                "wants_contract": False,
                "general_tasks": ["shopping", "phone", "other"],
                "free_text": "",
            }
        )
        if registration.volunteer.status != Status.GENERAL_VOLUNTEER:
            volunteer_screen(
                volunteer=registration.volunteer, by=coordinator, status=Status.GENERAL_VOLUNTEER
            )


def _request(n: int, district: District, coordinator: User, on: dt.date) -> HelpRequest:
    kind, name, frequency, urgent, relation, description = RESIDENTS[n]
    data = {
        "kind": kind,
        "description": description,
        "frequency": frequency,
        "wanted_on": on,
        "time_of_day": "morning",
        "urgent": urgent,
        "district": district,
        "language": None,
        "first_name": name,
        "address": "" if kind == "phone_friend" else f"Storgata {n + 1}, Dugnadvik",
        "phone": f"+4794000{n:03d}",
        "relation": relation,
        "requester_name": "" if relation == "self" else "Nina Nabo",
        "requester_phone": "",
    }
    return services.help_request_submit(data=data, entered_by=coordinator if n == 1 else None)


def _send(task: Task, coordinator: User, count: int):
    candidates = services.task_candidates(task, limit=count)
    if not candidates:
        return []
    offers, _refused = services.task_offer_send(
        task=task, volunteer_ids=[v.pk for v in candidates], by=coordinator
    )
    return offers


def load(*, scale: float, seed: int) -> dict[str, int]:
    coordinator = User.objects.filter(role=Role.VOLUNTEER_COORDINATOR, is_active=True).first()
    district = District.objects.order_by("pk").first()
    if coordinator is None or district is None or HelpRequest.objects.exists():
        return {}
    today = timezone.localdate()
    _helpers(district, coordinator, today)
    requests = [_request(n, district, coordinator, today) for n in range(len(RESIDENTS))]
    tasks = 0

    # sent to three volunteers, nobody has answered yet
    shopping = services.task_create(
        help_request=requests[3],
        by=coordinator,
        first_on=today + dt.timedelta(days=1),
        frequency="weekly",
        last_on=today + dt.timedelta(weeks=6),
    )
    _send(shopping, coordinator, 3)
    tasks += 1

    # a weekly phone call, taken; today's call is done
    calls = services.task_create(
        help_request=requests[4],
        by=coordinator,
        first_on=today,
        frequency="weekly",
        last_on=today + dt.timedelta(weeks=8),
    )
    offers = _send(calls, coordinator, 2)
    if offers:
        services.task_offer_accept(offer=offers[0])
        first = calls.visits.order_by("due_on").first()
        services.visit_report(offer=offers[0], visit_id=first.pk, done=True)
    tasks += 1

    # a pharmacy pick-up, done: the request closes itself as help given
    pickup = services.task_create(help_request=requests[5], by=coordinator, first_on=today)
    offers = _send(pickup, coordinator, 1)
    if offers:
        services.task_offer_accept(offer=offers[0])
        services.visit_report(offer=offers[0], visit_id=pickup.visits.get().pk, done=True)
        services.follow_up_record(task=pickup, by=coordinator, outcome="went_well")
    tasks += 1

    services.help_request_refer(
        help_request=requests[2],
        by=coordinator,
        referred_to="home_care",
        note="Sendt til hjemmetjenesten i Dugnadvik.",
    )
    services.help_request_close(help_request=requests[7], by=coordinator, reason="not_needed")
    services.help_request_accept(help_request=requests[6], by=coordinator)

    created = {"help_requests": len(requests), "help_tasks": tasks}
    created.update(_journey(coordinator, today))
    return created


def _journey(coordinator: User, today: dt.date) -> dict[str, int]:
    unit = Unit.objects.filter(sector=Sector.HEALTH_AND_CARE, leaders__isnull=False).first()
    volunteer = (
        Volunteer.objects.present()
        .filter(status=Status.GENERAL_VOLUNTEER, is_paused=False)
        .order_by("-pk")
        .first()
    )
    if unit is None or volunteer is None:
        return {}
    services.contact_person_set(unit=unit, user=unit.leaders.first(), by=coordinator)
    services.activity_place(
        volunteer=volunteer,
        unit=unit,
        description="Høytlesning og kaffe på fellesstua",
        starts_on=today + dt.timedelta(days=10),
        by=coordinator,
    )
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=5), dt.time(17)))
    session = CourseSession.objects.create(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Dugnadvik rådhus, møterom 2",
        capacity=20,
        created_by=coordinator,
    )
    course_signup(volunteer=volunteer, session_id=session.pk)
    return {"volunteer_activities": 1, "course_sessions": 1}
