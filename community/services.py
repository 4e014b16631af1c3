"""Writes for residents' help requests: submission, triage, tasks sent to general volunteers
(the offer pattern of matching/offers.py: a random link per volunteer, only its hash stored, the
first yes takes the task under the task's row lock), visits reported by the volunteer,
follow-up calls, and erasure after the retention period."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from community.models import (
    Activity,
    FollowUp,
    Frequency,
    HelpRequest,
    JourneyStep,
    Kind,
    Relation,
    Task,
    TaskOffer,
    Visit,
    VolunteerContact,
)
from community.rules import MAX_SERIES_DAYS, visit_dates
from core.tokens import token_hash
from outbox.services import message_enqueue
from outbox.sms import sms_text
from staffing.audit import audit_record_opened
from staffing.models import Unit
from volunteers.models import CourseSignup, Volunteer
from volunteers.selectors import general_volunteers_suitable
from volunteers.services import VolunteerError, milestone_record

logger = logging.getLogger(__name__)

REQUEST_FIELDS = [
    "kind",
    "description",
    "frequency",
    "wanted_on",
    "time_of_day",
    "urgent",
    "district",
    "language",
    "first_name",
    "address",
    "phone",
    "relation",
    "requester_name",
    "requester_phone",
]
# Blanked when the resident's data is erased; kind, district, dates and outcome stay as counts.
RESIDENT_FIELDS = [
    "description",
    "first_name",
    "address",
    "phone",
    "requester_name",
    "requester_phone",
    "referral_note",
    "close_note",
]
OPEN = (HelpRequest.Status.NEW, HelpRequest.Status.ACCEPTED)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed in an SMS


class CommunityError(Exception):
    """A rule refused the change; the message is shown to the user."""


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def task_url(token: str) -> str:
    return site_url(reverse("community:task_answer", kwargs={"token": token}))


# --- requests ---------------------------------------------------------------------------------


def help_request_check(*, data: dict[str, Any]) -> None:
    """The rules a request keeps whoever enters it (the public form, staff on the phone):
    ValidationError with a message per field."""
    errors: dict[str, str] = {}
    if data.get("kind") not in (Kind.PHONE_FRIEND, None) and not data.get("address"):
        errors["address"] = _("Give the address where the volunteer shall help.")
    if not data.get("phone") and not data.get("requester_phone"):
        errors["phone"] = _("Give a phone number where we can reach the resident or you.")
    if data.get("relation", Relation.SELF) != Relation.SELF and not data.get("requester_name"):
        errors["requester_name"] = _("Tell us your name, since you ask on someone else's behalf.")
    wanted = data.get("wanted_on")
    if wanted and wanted < timezone.localdate():
        errors["wanted_on"] = _("The date cannot be in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def help_request_submit(*, data: dict[str, Any], entered_by: User | None = None) -> HelpRequest:
    """A request from the public form, or entered by staff who took it on the phone."""
    help_request_check(data=data)
    now = timezone.now()
    help_request = HelpRequest(
        channel=HelpRequest.Channel.PHONE if entered_by else HelpRequest.Channel.WEB,
        entered_by=entered_by,
        consent_version=settings.DUGNAD["HELP_PRIVACY_NOTICE_VERSION"],
        consent_at=now,
        created_at=now,
    )
    for name in REQUEST_FIELDS:
        if name in ("district", "language"):
            setattr(help_request, name, data.get(name))
        elif name in data:
            setattr(help_request, name, data[name] if data[name] is not None else "")
    help_request.save()
    if help_request.urgent:
        _tell_coordinators(help_request)
    logger.info("help request %s received (%s)", help_request.pk, help_request.channel)
    return help_request


def _tell_coordinators(help_request: HelpRequest) -> None:
    """An urgent request: every volunteer coordinator gets a note with the link (no details)."""
    url = site_url(reverse("community:request_detail", kwargs={"pk": help_request.pk}))
    coordinators = User.objects.filter(role=Role.VOLUNTEER_COORDINATOR, is_active=True)
    for user in coordinators.only("email"):
        with translation.override(settings.LANGUAGE_CODE):
            _enqueue_urgent(user, help_request, url)


def _enqueue_urgent(user: User, help_request: HelpRequest, url: str) -> None:
    message_enqueue(
        recipient=user.email,
        kind="community.urgent_request",
        subject=_("An urgent request for help"),
        body=render_to_string(
            "community/email/urgent_request.txt", {"help_request": help_request, "url": url}
        ),
        language=settings.LANGUAGE_CODE,
        idempotency_key=f"community.urgent_request:{help_request.pk}:{user.pk}",
    )


def _lock_request(help_request: HelpRequest) -> HelpRequest:
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if locked.erased_at:
        raise CommunityError(_("This request has been erased."))
    return locked


@transaction.atomic
def help_request_accept(*, help_request: HelpRequest, by: User) -> HelpRequest:
    help_request = _lock_request(help_request)
    if help_request.status != HelpRequest.Status.NEW:
        raise CommunityError(_("This request has already been triaged."))
    help_request.status = HelpRequest.Status.ACCEPTED
    help_request.triaged_by = by
    help_request.triaged_at = timezone.now()
    help_request.save(update_fields=["status", "triaged_by", "triaged_at"])
    return help_request


def _finish(help_request: HelpRequest, *, status: str, by: User | None, why: str) -> None:
    now = timezone.now()
    help_request.status = status
    help_request.closed_by = by
    help_request.closed_at = now
    if help_request.triaged_at is None:
        help_request.triaged_by, help_request.triaged_at = by, now
    help_request.save()
    for task in help_request.tasks.select_for_update().filter(status__in=Task.UNFINISHED):
        _task_end(task, reason=why, now=now)


@transaction.atomic
def help_request_refer(
    *, help_request: HelpRequest, by: User, referred_to: str, note: str = ""
) -> HelpRequest:
    """The request signals a care need: it goes to the municipality's services, recorded here,
    and is closed for volunteers."""
    help_request = _lock_request(help_request)
    if help_request.status not in OPEN:
        raise CommunityError(_("This request is already closed."))
    help_request.referred_to = referred_to
    help_request.referral_note = note.strip()
    _finish(
        help_request,
        status=HelpRequest.Status.REFERRED,
        by=by,
        why=_("Referred to the municipality's services."),
    )
    return help_request


@transaction.atomic
def help_request_close(
    *, help_request: HelpRequest, by: User | None, reason: str, note: str = ""
) -> HelpRequest:
    help_request = _lock_request(help_request)
    if help_request.status not in OPEN:
        raise CommunityError(_("This request is already closed."))
    help_request.close_reason = reason
    help_request.close_note = note.strip()
    _finish(
        help_request,
        status=HelpRequest.Status.CLOSED,
        by=by,
        why=str(HelpRequest.CloseReason(reason).label),
    )
    return help_request


def help_request_opened(*, help_request: HelpRequest, by: User) -> None:
    """Every opening of a request (its contact details) is logged: who and when."""
    audit_record_opened(obj=help_request, by=by)


# --- tasks ------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    help_request: HelpRequest,
    by: User,
    first_on: dt.date,
    frequency: str = Frequency.ONCE,
    last_on: dt.date | None = None,
    time_of_day: str = "",
    note: str = "",
) -> Task:
    """A one-off task or a series (one visit a week or every other week up to `last_on`).
    Making a task from a new request accepts it."""
    help_request = _lock_request(help_request)
    if help_request.status not in OPEN:
        raise CommunityError(_("This request is closed: no new tasks."))
    today = timezone.localdate()
    if first_on < today:
        raise CommunityError(_("The first date cannot be in the past."))
    if frequency == Frequency.ONCE:
        last_on = first_on
    elif last_on is None or last_on < first_on:
        raise CommunityError(_("A series needs a last date on or after the first."))
    if (last_on - first_on).days > MAX_SERIES_DAYS:
        raise CommunityError(
            _("A series can be planned at most %(weeks)s weeks ahead.")
            % {"weeks": MAX_SERIES_DAYS // 7}
        )
    if help_request.status == HelpRequest.Status.NEW:
        help_request.status = HelpRequest.Status.ACCEPTED
        help_request.triaged_by = by
        help_request.triaged_at = timezone.now()
        help_request.save(update_fields=["status", "triaged_by", "triaged_at"])
    task = Task.objects.create(
        request=help_request,
        kind=help_request.kind,
        frequency=frequency,
        first_on=first_on,
        last_on=last_on,
        time_of_day=time_of_day or help_request.time_of_day,
        note=note.strip(),
        created_by=by,
    )
    Visit.objects.bulk_create(
        [
            Visit(task=task, due_on=day)
            for day in visit_dates(first_on=first_on, last_on=last_on, frequency=frequency)
        ]
    )
    return task


def _task_end(task: Task, *, reason: str, now: dt.datetime) -> None:
    """Planned visits are cancelled, waiting offers withdrawn, and a volunteer who had the task
    is told it has ended (the message holds nothing about the resident)."""
    task.visits.filter(status=Visit.Status.PLANNED).update(status=Visit.Status.CANCELLED)
    withdrawn = list(task.offers.pending().select_related("volunteer"))
    task.offers.pending().update(status=TaskOffer.Status.WITHDRAWN)
    task.status = Task.Status.CANCELLED
    task.finished_at = now
    task.end_reason = reason[:300]
    task.save(update_fields=["status", "finished_at", "end_reason"])
    told = [offer.volunteer for offer in withdrawn]
    if task.volunteer_id:
        told.append(task.volunteer)
    for volunteer in told:
        _tell_volunteer(
            volunteer,
            kind="community.task_ended",
            subject=gettext_lazy("A volunteer task has ended"),
            template="task_ended",
            context={"task": task},
            key=f"community.task_ended:{task.pk}:{volunteer.pk}",
        )


@transaction.atomic
def task_end(*, task: Task, by: User, reason: str) -> Task:
    """The coordinator ends a task or a series before its last visit."""
    task = Task.objects.select_for_update(of=("self",)).select_related("volunteer").get(pk=task.pk)
    if not task.is_unfinished:
        raise CommunityError(_("This task has already ended."))
    _task_end(task, reason=reason.strip() or _("Ended by the coordinator."), now=timezone.now())
    return task


def _tell_volunteer(
    volunteer: Volunteer,
    *,
    kind: str,
    subject,
    template: str,
    context: dict,
    key: str,
    only_sms_to: str = "",
) -> list[str]:
    """By the channels the volunteer chose (e-mail, SMS or both), in the language they
    registered in; `subject` is a lazy text, `template` names both community/email/<name>.txt
    and community/sms/<name>.txt. Returns the SMS numbers used."""
    if volunteer.erased_at:
        return []
    numbers = []
    with translation.override(volunteer.language or settings.LANGUAGE_CODE):
        context = {**context, "volunteer": volunteer}
        for channel, address in volunteer.message_channels():
            if channel == "sms":
                if only_sms_to and address != only_sms_to:
                    continue
                message_enqueue(
                    recipient=address,
                    channel="sms",
                    kind=kind,
                    body=sms_text(render_to_string(f"community/sms/{template}.txt", context)),
                    language=volunteer.language,
                    idempotency_key=f"{key}:sms",
                )
                numbers.append(address)
            else:
                message_enqueue(
                    recipient=address,
                    kind=kind,
                    subject=str(subject),
                    body=render_to_string(f"community/email/{template}.txt", context),
                    language=volunteer.language,
                    idempotency_key=key,
                )
    return numbers


def task_offer_deadline(*, task: Task, now: dt.datetime) -> dt.datetime:
    """TASK_OFFER_ANSWER_HOURS from now, but no later than the end of the task's first day."""
    hours = dt.timedelta(hours=float(settings.DUGNAD["TASK_OFFER_ANSWER_HOURS"]))
    day_end = timezone.make_aware(
        dt.datetime.combine(task.first_on + dt.timedelta(days=1), dt.time.min)
    )
    return min(now + hours, day_end)


def task_candidates(task: Task, *, limit: int = 50) -> list[Volunteer]:
    """Suitable general volunteers who have not been asked for this task yet."""
    asked = set(task.offers.values_list("volunteer_id", flat=True))
    suitable = general_volunteers_suitable(
        district_id=task.request.district_id,
        language_id=task.request.language_id,
        on_date=task.first_on,
        help_kind=task.kind,
        limit=limit + len(asked),
    )
    return [v for v in suitable if v.pk not in asked][:limit]


def task_offer_send(
    *, task: Task, volunteer_ids: Iterable[int], by: User
) -> tuple[list[TaskOffer], list[str]]:
    """Send the task to the chosen volunteers, each with a link of their own. Only suitable
    volunteers can be chosen (checked again here); returns the offers and what was refused."""
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("request").get(pk=task.pk)
        if task.request.erased_at or task.request.status not in OPEN:
            raise CommunityError(_("This request is closed."))
        if task.status not in (Task.Status.OPEN, Task.Status.OFFERED):
            raise CommunityError(_("This task is no longer waiting for a volunteer."))
        deadline = task_offer_deadline(task=task, now=now)
        if deadline <= now:
            raise CommunityError(_("The task's first date has passed: change the task first."))
        wanted = {int(pk) for pk in volunteer_ids}
        if not wanted:
            raise CommunityError(_("Choose at least one volunteer."))
        candidates = {v.pk: v for v in task_candidates(task, limit=1000)}
        offers: list[TaskOffer] = []
        refused: list[str] = []
        for pk in sorted(wanted):
            volunteer = candidates.get(pk)
            if volunteer is None:
                refused.append(
                    _("Volunteer #%(pk)s is not suitable for this task or was asked already.")
                    % {"pk": pk}
                )
                continue
            token = secrets.token_urlsafe(32)
            offer = TaskOffer.objects.create(
                task=task,
                volunteer=volunteer,
                token_hash=token_hash(token),
                code="".join(secrets.choice(CODE_ALPHABET) for _i in range(5)),
                language=volunteer.language or settings.LANGUAGE_CODE,
                sent_by=by,
                sent_at=now,
                deadline=deadline,
            )
            numbers = _tell_volunteer(
                volunteer,
                kind="community.task_offer",
                subject=gettext_lazy("Can you help a resident?"),
                template="task_offer",
                context={"task": task, "offer": offer, "url": task_url(token)},
                key=f"community.task_offer:{offer.pk}",
            )
            if numbers:
                offer.phone = numbers[0]
                offer.save(update_fields=["phone"])
            offers.append(offer)
        if offers and task.status == Task.Status.OPEN:
            task.status = Task.Status.OFFERED
            task.save(update_fields=["status"])
    return offers, refused


@dataclass(frozen=True)
class Answer:
    """What an answer did: `outcome` is accepted, declined, taken or closed."""

    outcome: str
    message: str
    offer: TaskOffer


def closed_message(offer: TaskOffer, now: dt.datetime | None = None) -> str | None:
    """Why this offer can no longer be answered, or None while it can."""
    now = now or timezone.now()
    if offer.status == TaskOffer.Status.ACCEPTED:
        return _("You have said yes to this task. Thank you!")
    if offer.status == TaskOffer.Status.DECLINED:
        return _("You have already answered. Thank you!")
    if offer.status == TaskOffer.Status.TAKEN:
        return _("Another volunteer has already taken this task. Thank you all the same!")
    if offer.status == TaskOffer.Status.WITHDRAWN:
        return _("This task has been withdrawn. You do not need to do anything.")
    if now >= offer.deadline:
        return _("The deadline for answering has passed. Thank you all the same.")
    return None


def _lock_offer(offer: TaskOffer) -> tuple[Task, TaskOffer]:
    # The task first, always: two yeses to the same task queue on its row.
    task = Task.objects.select_for_update().get(pk=offer.task_id)
    offer = TaskOffer.objects.select_for_update().select_related("volunteer").get(pk=offer.pk)
    return task, offer


def task_offer_accept(*, offer: TaskOffer) -> Answer:
    """A volunteer says yes: the first yes takes the task; the others are told it is taken."""
    now = timezone.now()
    with transaction.atomic():
        task, offer = _lock_offer(offer)
        closed = closed_message(offer, now)
        if closed is not None:
            return Answer("closed", closed, offer)
        if task.status != Task.Status.OFFERED or task.volunteer_id is not None:
            offer.status = TaskOffer.Status.TAKEN
            offer.answered_at = now
            offer.save(update_fields=["status", "answered_at"])
            return Answer(
                "taken",
                _("Another volunteer said yes first, so this task is taken. Thank you!"),
                offer,
            )
        offer.status = TaskOffer.Status.ACCEPTED
        offer.answered_at = now
        offer.save(update_fields=["status", "answered_at"])
        task.status = Task.Status.TAKEN
        task.volunteer = offer.volunteer
        task.taken_at = now
        task.save(update_fields=["status", "volunteer", "taken_at"])
        others = list(task.offers.pending().select_related("volunteer"))
        task.offers.pending().update(status=TaskOffer.Status.TAKEN)
        for other in others:
            _tell_volunteer(
                other.volunteer,
                kind="community.task_taken",
                subject=gettext_lazy("The task has been taken"),
                template="task_taken",
                context={"task": task},
                key=f"community.task_taken:{other.pk}",
            )
        _tell_volunteer(
            offer.volunteer,
            kind="community.task_accepted",
            subject=gettext_lazy("Thank you for taking the task"),
            template="task_accepted",
            context={"task": task},
            key=f"community.task_accepted:{offer.pk}",
        )
    return Answer(
        "accepted",
        _(
            "Thank you! The task is yours. Below is what you need to know; keep the link in "
            "the e-mail, and report here when you have helped."
        ),
        offer,
    )


def task_offer_decline(*, offer: TaskOffer, reason: str = "") -> Answer:
    now = timezone.now()
    with transaction.atomic():
        task, offer = _lock_offer(offer)
        closed = closed_message(offer, now)
        if closed is not None:
            return Answer("closed", closed, offer)
        offer.status = TaskOffer.Status.DECLINED
        offer.answered_at = now
        offer.decline_reason = reason.strip()[:300]
        offer.save(update_fields=["status", "answered_at", "decline_reason"])
        if task.status == Task.Status.OFFERED and not task.offers.pending().exists():
            task.status = Task.Status.OPEN  # everyone asked said no: back on the coordinator's list
            task.save(update_fields=["status"])
    return Answer("declined", _("Thank you for answering. You have said no to this task."), offer)


def task_visible_to_volunteer(offer: TaskOffer) -> bool:
    """The resident's details are shown to the volunteer who took the task, until it is done."""
    task = offer.task
    return (
        offer.status == TaskOffer.Status.ACCEPTED
        and task.status == Task.Status.TAKEN
        and task.volunteer_id == offer.volunteer_id
        and task.request.erased_at is None
    )


@transaction.atomic
def visit_report(*, offer: TaskOffer, visit_id: int, done: bool, reason: str = "") -> Visit:
    """The volunteer reports one visit. When no visit is left the task is finished; when every
    task of the request is done, the request is closed as help given (its retention starts)."""
    task, offer = _lock_offer(offer)
    if not (
        offer.status == TaskOffer.Status.ACCEPTED
        and task.status == Task.Status.TAKEN
        and task.volunteer_id == offer.volunteer_id
    ):
        raise CommunityError(_("This task is no longer yours to report."))
    visit = task.visits.select_for_update().filter(pk=visit_id).first()
    if visit is None or visit.status != Visit.Status.PLANNED:
        raise CommunityError(_("This visit has already been reported."))
    if visit.due_on > timezone.localdate():
        raise CommunityError(_("You can report this visit on the day or after it."))
    reason = reason.strip()
    if not done and not reason:
        raise CommunityError(_("Tell us briefly why it was not possible."))
    now = timezone.now()
    visit.status = Visit.Status.DONE if done else Visit.Status.NOT_POSSIBLE
    visit.reason = "" if done else reason[:300]
    visit.reported_at = now
    visit.save(update_fields=["status", "reason", "reported_at"])
    if not done:
        _tell_sender(task, offer)
    if not task.visits.filter(status=Visit.Status.PLANNED).exists():
        any_done = task.visits.filter(status=Visit.Status.DONE).exists()
        task.status = Task.Status.DONE if any_done else Task.Status.NOT_POSSIBLE
        task.finished_at = now
        task.save(update_fields=["status", "finished_at"])
        help_request = HelpRequest.objects.select_for_update().get(pk=task.request_id)
        tasks = help_request.tasks.all()
        if (
            help_request.status == HelpRequest.Status.ACCEPTED
            and not tasks.filter(status__in=Task.UNFINISHED).exists()
            and not tasks.filter(status=Task.Status.NOT_POSSIBLE).exists()
        ):
            help_request.status = HelpRequest.Status.CLOSED
            help_request.close_reason = HelpRequest.CloseReason.COMPLETED
            help_request.closed_at = now
            help_request.save(update_fields=["status", "close_reason", "closed_at"])
    return visit


def _tell_sender(task: Task, offer: TaskOffer) -> None:
    sender = offer.sent_by
    if sender is None or not sender.email:
        return
    url = site_url(reverse("community:task_detail", kwargs={"pk": task.pk}))
    message_enqueue(
        recipient=sender.email,
        kind="community.visit_not_possible",
        subject=_("A volunteer could not help as planned"),
        body=render_to_string("community/email/visit_not_possible.txt", {"task": task, "url": url}),
        language=translation.get_language() or "",
    )


@transaction.atomic
def follow_up_record(*, task: Task, by: User, outcome: str, note: str = "") -> FollowUp:
    """The coordinator called the resident (or tried to) to ask how it went."""
    task = Task.objects.select_for_update().select_related("request").get(pk=task.pk)
    if task.request.erased_at:
        raise CommunityError(_("This request has been erased."))
    return FollowUp.objects.create(task=task, by=by, outcome=outcome, note=note.strip())


# --- privacy ----------------------------------------------------------------------------------


def help_requests_erase_closed(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Blank the resident's data of requests closed more than HELP_REQUEST_RETENTION_DAYS ago.
    The rows stay (kind, district, dates, outcome) for anonymous counts. Returns counts by kind."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.DUGNAD["HELP_REQUEST_RETENTION_DAYS"])
    due = list(
        HelpRequest.objects.present()
        .filter(closed_at__lt=cutoff)
        .exclude(status__in=OPEN)
        .values_list("pk", flat=True)
    )
    counts: dict[str, int] = {}
    for pk in due:
        with transaction.atomic():
            help_request = HelpRequest.objects.select_for_update().get(pk=pk)
            if help_request.erased_at:
                continue
            _erase(help_request, now=now)
            counts[help_request.kind] = counts.get(help_request.kind, 0) + 1
    logger.info("help request retention: %s erased", sum(counts.values()))
    return counts


def _erase(help_request: HelpRequest, *, now: dt.datetime) -> None:
    for name in RESIDENT_FIELDS:
        setattr(help_request, name, "")
    help_request.erased_at = now
    help_request.save()
    tasks = Task.objects.filter(request=help_request)
    tasks.exclude(note="", end_reason="").update(note="", end_reason="")
    Visit.objects.filter(task__request=help_request).exclude(reason="").update(reason="")
    FollowUp.objects.filter(task__request=help_request).exclude(note="").update(note="")
    TaskOffer.objects.filter(task__request=help_request).exclude(decline_reason="").update(
        decline_reason=""
    )


# --- volunteer contact persons and the journey ------------------------------------------------

# Default plan for a placed volunteer's journey, in days from the activity's start.
JOURNEY_PLAN = {
    JourneyStep.Kind.FIRST_MEETING: -7,
    JourneyStep.Kind.INTRODUCTION_COURSE: None,  # the session the volunteer signs up for
    JourneyStep.Kind.FIRST_ASSIGNMENT: 0,
    JourneyStep.Kind.FOLLOW_UP_CALL: 28,
}


@transaction.atomic
def contact_person_set(*, unit: Unit, user: User | None, by: User) -> VolunteerContact | None:
    """Name (or, with None, remove) the unit's volunteer contact person: an active staff user."""
    if user is None:
        VolunteerContact.objects.filter(unit=unit).delete()
        return None
    if not user.is_active or not user.role:
        raise CommunityError(_("The contact person must be an active staff user."))
    contact, _created = VolunteerContact.objects.update_or_create(
        unit=unit, defaults={"user": user, "set_by": by, "set_at": timezone.now()}
    )
    return contact


@transaction.atomic
def activity_place(
    *, volunteer: Volunteer, unit: Unit, description: str, starts_on: dt.date, by: User
) -> Activity:
    """Place a general volunteer for an activity at a care unit: the journey is planned and
    the unit's contact person is told who comes and when."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.erased_at or volunteer.status not in ("general_volunteer", "staffing_pool"):
        raise CommunityError(_("Only volunteers in the register can be placed for activities."))
    if starts_on < timezone.localdate():
        raise CommunityError(_("The start date cannot be in the past."))
    activity = Activity.objects.create(
        volunteer=volunteer,
        unit=unit,
        description=description.strip(),
        starts_on=starts_on,
        created_by=by,
    )
    today = timezone.localdate()
    JourneyStep.objects.bulk_create(
        [
            JourneyStep(
                activity=activity,
                kind=kind,
                planned_on=None if offset is None else max(today, starts_on + dt.timedelta(offset)),
            )
            for kind, offset in JOURNEY_PLAN.items()
        ]
    )
    contact = VolunteerContact.objects.filter(unit=unit).select_related("user").first()
    if contact and contact.user.email:
        url = site_url(reverse("community:journey_detail", kwargs={"pk": activity.pk}))
        with translation.override(settings.LANGUAGE_CODE):
            message_enqueue(
                recipient=contact.user.email,
                kind="community.volunteer_placed",
                subject=_("A volunteer is coming to %(unit)s") % {"unit": unit.name},
                body=render_to_string(
                    "community/email/volunteer_placed.txt",
                    {
                        "activity": activity,
                        "volunteer": volunteer,
                        "steps": activity.steps.all(),
                        "url": url,
                    },
                ),
                language=settings.LANGUAGE_CODE,
                idempotency_key=f"community.volunteer_placed:{activity.pk}",
            )
    return activity


@transaction.atomic
def journey_step_update(
    *, step: JourneyStep, by: User, planned_on: dt.date | None, done_on: dt.date | None
) -> JourneyStep:
    """Move a step's date, or record it done: the volunteer's record gets the milestone."""
    step = (
        JourneyStep.objects.select_for_update()
        .select_related("activity__volunteer")
        .get(pk=step.pk)
    )
    volunteer = step.activity.volunteer
    if volunteer.erased_at:
        raise CommunityError(_("This volunteer's data has been erased."))
    if done_on and done_on > timezone.localdate():
        raise CommunityError(_("A step cannot be done in the future."))
    step.planned_on = planned_on
    step.done_on = done_on
    step.save(update_fields=["planned_on", "done_on"])
    if done_on:
        try:
            milestone_record(volunteer=volunteer, kind=step.kind, done_on=done_on, by=by)
        except VolunteerError as exc:
            raise CommunityError(str(exc)) from exc
    return step


def _course_date(volunteer_id: int) -> dt.date | None:
    signup = (
        CourseSignup.objects.filter(volunteer_id=volunteer_id, session__cancelled_at__isnull=True)
        .select_related("session")
        .order_by("-session__starts_at")
        .first()
    )
    return timezone.localtime(signup.session.starts_at).date() if signup else None


def journey_reminders(*, today: dt.date | None = None) -> int:
    """Beat: remind each contact person of the steps planned in the next days (once per planned
    date). The introduction course's date is the session the volunteer signed up for."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.DUGNAD["JOURNEY_REMINDER_DAYS"])
    steps = (
        JourneyStep.objects.filter(
            done_on__isnull=True,
            activity__ended_on__isnull=True,
            activity__volunteer__erased_at__isnull=True,
            activity__unit__volunteer_contact__isnull=False,
        )
        .select_related("activity__unit__volunteer_contact__user", "activity__volunteer")
        .order_by("pk")
    )
    sent = 0
    for step in steps:
        planned = step.planned_on
        if step.kind == JourneyStep.Kind.INTRODUCTION_COURSE and planned is None:
            planned = _course_date(step.activity.volunteer_id)
        if planned is None or not today <= planned <= horizon or step.reminded_for == planned:
            continue
        contact = step.activity.unit.volunteer_contact.user
        url = site_url(reverse("community:journey_detail", kwargs={"pk": step.activity_id}))
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            message_enqueue(
                recipient=contact.email,
                kind="community.journey_reminder",
                subject=_("Reminder: %(step)s with a volunteer")
                % {"step": step.get_kind_display()},
                body=render_to_string(
                    "community/email/journey_reminder.txt",
                    {"step": step, "planned": planned, "activity": step.activity, "url": url},
                ),
                language=settings.LANGUAGE_CODE,
                idempotency_key=f"community.journey_reminder:{step.pk}:{planned.isoformat()}",
            )
            JourneyStep.objects.filter(pk=step.pk).update(reminded_for=planned)
        sent += 1
    return sent
