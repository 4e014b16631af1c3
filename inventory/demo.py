"""Demo: one competence inventory in progress at the town hall (Norrtälje inventoried its
office staff): links sent, some opened, some answered, one answer verified, a reminder due.

Runs once: an inventory with the demo's title makes it do nothing. Only a few answers report
free capacity, since each change of availability asks for a matching run.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import Role, User
from inventory.models import Answer, Inventory
from inventory.services import (
    answer_save,
    answer_verify,
    inventory_invitations_send,
    inventory_start,
    invitation_mark_opened,
)
from staffing.models import Qualification, Skill, Unit

TITLE = "Kartlegging av helsekompetanse – Rådhuset"


def _unit() -> Unit | None:
    return (
        Unit.objects.filter(code="radhus").first()
        or Unit.objects.filter(sector="administration").order_by("code").first()
    )


def load(*, scale: float, seed: int) -> dict[str, int]:
    if Inventory.objects.filter(title=TITLE).exists():
        return {}
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    hr = User.objects.filter(role=Role.HR).order_by("pk").first()
    unit = _unit()
    if coordinator is None or unit is None:
        return {}
    rng = random.Random(seed + 13)
    inventory = inventory_start(
        title=TITLE,
        units=[unit],
        valid_until=timezone.localdate() + dt.timedelta(days=14),
        message="Vi trenger å vite hvem som kan hjelpe helse- og omsorgstjenestene de neste ukene.",
        by=coordinator,
    )
    # At once, not by the task: with a broker the demo would otherwise find no invitations.
    inventory_invitations_send(inventory_id=inventory.pk)
    quals = {
        q.code: q
        for q in Qualification.objects.filter(
            code__in=["helsefagarbeider", "sykepleier", "assistent", "hjelpepleier"]
        )
    }
    languages = list(Skill.objects.filter(kind=Skill.Kind.LANGUAGE).order_by("code")[:4])
    invitations = list(
        inventory.invitations.filter(sent_at__isnull=False).select_related("worker", "inventory")
    )
    rng.shuffle(invitations)
    answered = invitations[: max(1, len(invitations) * 3 // 10)]
    opened = invitations[len(answered) : len(answered) + len(invitations) // 5]
    today = timezone.localdate()
    answers: list[Answer] = []
    for number, invitation in enumerate(answered):
        with_capacity = number < 3
        code = rng.choice(list(quals)) if quals else None
        data = {
            "qualifications": [quals[code]] if code else [],
            "experience_years": rng.randint(1, 15),
            "experience": "Har jobbet i hjemmetjenesten før jeg begynte i administrasjonen.",
            "skills": [],
            "languages": rng.sample(languages, k=min(len(languages), rng.randint(0, 2))),
            "willing": Answer.Willing.YES if with_capacity else rng.choice(list(Answer.Willing)),
            "capacity": Answer.Capacity.NONE,
            "weekdays": [],
        }
        if with_capacity:
            if number % 2:
                data.update(capacity=Answer.Capacity.SHARE, share_percent=40, weekdays=["2", "4"])
            else:
                data.update(
                    capacity=Answer.Capacity.DAYS,
                    weekdays=["1", "3", "5"],
                    time_from=dt.time(8, 0),
                    time_to=dt.time(15, 30),
                )
            data.update(available_from=today, available_to=today + dt.timedelta(days=28))
        answers.append(answer_save(invitation=invitation, data=data))
    for invitation in opened:
        invitation_mark_opened(invitation=invitation)
    verified = 0
    if answers and hr is not None:
        first = answers[0]
        answer_verify(
            answer=first,
            by=hr,
            qualifications=first.qualifications.all(),
            skills=first.skills.all(),
            note="Vitnemål sett",
        )
        verified = 1
    return {
        "inventories": 1,
        "inventory_invitations": inventory.invitations.count(),
        "inventory_answers": len(answers),
        "inventory_verified": verified,
    }
