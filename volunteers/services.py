"""Writes for volunteers: registration, self-service, screening, admission, erasure."""

import csv
import datetime as dt
import io
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import FOLLOW_UP_DATES, MILESTONE_DATES, DateRange
from core.tasks_by_name import request_matching_resolve
from core.text import ascii_digits
from outbox.services import Attachment, message_enqueue, messages_erase_for_recipient
from staffing.erasure import workers_in_use
from staffing.models import Worker
from staffing.services import worker_erase, worker_set_active, worker_upsert_for_volunteer
from volunteers.exports import csv_safe
from volunteers.models import CourseSession, CourseSignup, Event, Milestone, Status, Volunteer
from volunteers.rules import QualificationFacts, availability_windows, route_suggest
from volunteers.tokens import link_token, token_hash

logger = logging.getLogger(__name__)

PERSONAL_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "contact_channel",
    "postcode",
    "district",
    "study_year",
    "hpr_number",
    "available_from",
    "available_to",
    "hours_per_week",
    "wants_contract",
    "free_text",
]
JOINED_FIELDS = ["weekdays", "times_of_day", "general_tasks"]


class VolunteerError(Exception):
    """A rule refused the change; the message is shown to the user."""


def _check_date(value: dt.date | None, date_range: DateRange) -> None:
    message = value and date_range.error(value)
    if message:
        raise VolunteerError(message)


def volunteer_data_check(*, data: dict[str, Any]) -> None:
    """The rules a registration keeps whoever sends it (the public form, the volunteer's own
    update, a command or a test): raises ValidationError with a message per field, which the
    form shows next to the field. Fields missing from `data` are not checked."""
    errors: dict[str, str] = {}
    if "district" in data and "postcode" in data and not (data["district"] or data["postcode"]):
        errors["district"] = _("Choose your district or give your postcode.")
    start, end = data.get("available_from"), data.get("available_to")
    if start and end and end < start:
        errors["available_to"] = _("The end date must be after the start date.")
    if not data.get("wants_contract") and not data.get("general_tasks"):
        errors["general_tasks"] = _(
            "Choose at least one way to help: a paid contract or a volunteer task."
        )
    if any(q.is_student for q in data.get("qualifications") or []) and not data.get("study_year"):
        errors["study_year"] = _("Tell us which year of study you are in.")
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Registration:
    volunteer: Volunteer
    token: str
    created: bool


def _new_token(volunteer: Volunteer) -> str:
    token = secrets.token_urlsafe(32)
    volunteer.token_hash = token_hash(token)
    return token


def _apply(volunteer: Volunteer, data: dict[str, Any]) -> None:
    for name in PERSONAL_FIELDS:
        if name in data:
            setattr(volunteer, name, data[name])
    for name in JOINED_FIELDS:
        if name in data:
            setattr(volunteer, name, ",".join(sorted(data[name] or [])))
    volunteer.email = volunteer.email.strip().lower()
    # Stored as ASCII digits whatever the keyboard typed, so they can be searched and compared.
    volunteer.postcode = ascii_digits(volunteer.postcode)
    volunteer.hpr_number = ascii_digits(volunteer.hpr_number)
    volunteer.suggested_route = route_suggest(
        qualifications=[QualificationFacts(q.code, q.is_health) for q in data["qualifications"]],
        wants_contract=bool(data.get("wants_contract")),
    )


def _set_relations(volunteer: Volunteer, data: dict[str, Any]) -> None:
    volunteer.qualifications.set(data["qualifications"])
    volunteer.languages.set(data.get("languages") or [])


def volunteer_register(*, data: dict[str, Any], language: str = "nb") -> Registration:
    """Register from the public form.

    Anyone can type anyone's address, so an address that is registered already changes nothing:
    its owner gets an e-mail with their personal link, where they can update. The caller answers
    both cases alike, so the form does not tell who is registered."""
    volunteer_data_check(data=data)
    try:
        return _register(data=data, language=language)
    except IntegrityError:
        # Two submissions with a new address raced; the loser is told like any known address.
        return _register(data=data, language=language)


@transaction.atomic
def _register(*, data: dict[str, Any], language: str) -> Registration:
    now = timezone.now()
    email = data["email"].strip().lower()
    known = Volunteer.objects.present().filter(email=email).first()
    if known is not None:
        token = link_token(known)
        _send_link_again(known, token)
        logger.info("registration with the address of volunteer %s: link sent again", known.pk)
        return Registration(volunteer=known, token=token, created=False)
    volunteer = Volunteer(last_activity_at=now)
    _apply(volunteer, data)
    volunteer.language = language
    volunteer.consent_version = settings.DUGNAD["PRIVACY_NOTICE_VERSION"]
    volunteer.consent_at = now
    token = _new_token(volunteer)
    volunteer.save()
    # a new row has no relations yet: add, without set()'s look-up of the old ones
    volunteer.qualifications.add(*data["qualifications"])
    volunteer.languages.add(*(data.get("languages") or []))
    Event.objects.create(volunteer=volunteer, kind=Event.Kind.REGISTERED)
    _send_confirmation(volunteer, token, created=True)
    logger.info("volunteer %s registered", volunteer.pk)
    return Registration(volunteer=volunteer, token=token, created=True)


@transaction.atomic
def volunteer_update_self(*, volunteer: Volunteer, data: dict[str, Any]) -> Volunteer:
    """The volunteer changes their own data through their personal link."""
    volunteer_data_check(data=data)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _apply(volunteer, data)
    volunteer.consent_version = settings.DUGNAD["PRIVACY_NOTICE_VERSION"]
    volunteer.consent_at = timezone.now()
    volunteer.last_activity_at = timezone.now()
    volunteer.save()
    _set_relations(volunteer, data)
    Event.objects.create(volunteer=volunteer, kind=Event.Kind.UPDATED)
    if volunteer.worker_id and volunteer.status == Status.STAFFING_POOL:
        _sync_worker(volunteer)
        # Their availability may have changed: matching sees it at once (issue 13.6), solving
        # again only the part of the instance their windows and proposals touch.
        request_matching_resolve(trigger="worker_available", worker_ids=[volunteer.worker_id])
    return volunteer


@transaction.atomic
def volunteer_pause(*, volunteer: Volunteer, paused: bool) -> Volunteer:
    """A paused volunteer is not offered work; their worker is inactive until they resume."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.is_paused == paused:
        return volunteer
    volunteer.is_paused = paused
    volunteer.last_activity_at = timezone.now()
    volunteer.save(update_fields=["is_paused", "last_activity_at", "updated_at"])
    Event.objects.create(
        volunteer=volunteer, kind=Event.Kind.PAUSED if paused else Event.Kind.RESUMED
    )
    if volunteer.worker_id:
        active = not paused and volunteer.status == Status.STAFFING_POOL
        worker_set_active(worker_id=volunteer.worker_id, active=active)
        if active:
            request_matching_resolve(trigger="worker_available", worker_ids=[volunteer.worker_id])
    return volunteer


def _erase(volunteer: Volunteer, *, kind: str, by=None) -> None:
    """Erase personal data in place; status, qualifications, district and dates stay as
    anonymous counts. Notes in the history go too, and messages to them, sent or waiting."""
    messages_erase_for_recipient(recipient=volunteer.email)
    volunteer.first_name = ""
    volunteer.last_name = ""
    volunteer.email = ""
    volunteer.phone = ""
    volunteer.postcode = ""
    volunteer.hpr_number = ""
    volunteer.free_text = ""
    volunteer.token_hash = ""
    volunteer.study_year = None
    volunteer.follow_up_on = None
    volunteer.erased_at = timezone.now()
    volunteer.save()
    volunteer.languages.clear()
    volunteer.events.exclude(note="").update(note="")
    if volunteer.worker_id:
        # Everywhere the person is held: proposals, placements, checklists, certificates.
        worker_erase(worker_id=volunteer.worker_id, by=by)
    Event.objects.create(volunteer=volunteer, kind=kind, by=by)


@transaction.atomic
def volunteer_withdraw(*, volunteer: Volunteer, by=None) -> Volunteer:
    """Withdrawal erases the volunteer's personal data at once."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.erased_at:
        return volunteer
    old = volunteer.status
    volunteer.status = Status.WITHDRAWN
    volunteer.last_activity_at = timezone.now()
    Event.objects.create(
        volunteer=volunteer,
        kind=Event.Kind.STATUS,
        by=by,
        from_status=old,
        to_status=Status.WITHDRAWN,
    )
    _erase(volunteer, kind=Event.Kind.WITHDRAWN, by=by)
    logger.info("volunteer %s withdrew; personal data erased", volunteer.pk)
    return volunteer


def _worker_availability(volunteer: Volunteer) -> list[tuple[dt.datetime, dt.datetime]]:
    if volunteer.available_from is None:
        return []
    return availability_windows(
        available_from=volunteer.available_from,
        available_to=volunteer.available_to,
        weekdays=volunteer.weekday_list,
        times_of_day=volunteer.times_list,
        today=timezone.localdate(),
    )


def _sync_worker(volunteer: Volunteer) -> Worker:
    """Staffing owns the worker; this hands it what the volunteer told us."""
    worker = worker_upsert_for_volunteer(
        worker_id=volunteer.worker_id,
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        email=volunteer.email,
        phone=volunteer.phone,
        contact_channel=volunteer.contact_channel,
        language=volunteer.language,
        hpr_number=volunteer.hpr_number,
        home_district=volunteer.district,
        is_active=not volunteer.is_paused,
        qualifications=volunteer.qualifications.all(),
        skills=volunteer.languages.all(),
        availability=_worker_availability(volunteer),
    )
    if volunteer.worker_id != worker.pk:
        volunteer.worker = worker
        volunteer.save(update_fields=["worker", "updated_at"])
    return worker


def _admit(volunteer: Volunteer, *, by) -> Worker:
    worker = _sync_worker(volunteer)
    Event.objects.create(volunteer=volunteer, kind=Event.Kind.ADMITTED, by=by)
    request_matching_resolve(trigger="worker_available", worker_ids=[worker.pk])
    logger.info("volunteer %s admitted as worker %s", volunteer.pk, worker.pk)
    return worker


@transaction.atomic
def volunteer_admit(*, volunteer: Volunteer, by) -> Worker:
    """Admit to the staffing pool: the volunteer becomes a worker matching can place."""
    return volunteer_screen(volunteer=volunteer, by=by, status=Status.STAFFING_POOL).worker


@transaction.atomic
def volunteer_screen(
    *,
    volunteer: Volunteer,
    by,
    status: str | None = None,
    note: str = "",
    follow_up_on: dt.date | None = None,
    clear_follow_up: bool = False,
) -> Volunteer:
    """The coordinator's screening step: change status, add a note, set a follow-up date."""
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("worker")
        .get(pk=volunteer.pk)
    )
    if volunteer.erased_at:
        raise VolunteerError(_("This registration has been erased."))
    if status == Status.WITHDRAWN:
        return volunteer_withdraw(volunteer=volunteer, by=by)
    _check_date(follow_up_on, FOLLOW_UP_DATES)
    if status == Status.STAFFING_POOL and not volunteer.qualifications.exists():
        raise VolunteerError(_("Add at least one qualification before admitting to the pool."))
    now = timezone.now()
    if status and status != volunteer.status:
        old = volunteer.status
        volunteer.status = status
        Event.objects.create(
            volunteer=volunteer, kind=Event.Kind.STATUS, by=by, from_status=old, to_status=status
        )
        if status == Status.STAFFING_POOL:
            volunteer.last_activity_at = now
            volunteer.save()
            _admit(volunteer, by=by)
        elif old == Status.STAFFING_POOL and volunteer.worker_id:
            worker_set_active(worker_id=volunteer.worker_id, active=False)
    if follow_up_on or clear_follow_up:
        volunteer.follow_up_on = follow_up_on
        Event.objects.create(
            volunteer=volunteer,
            kind=Event.Kind.FOLLOW_UP,
            by=by,
            note=follow_up_on.isoformat() if follow_up_on else "",
        )
    if note.strip():
        Event.objects.create(volunteer=volunteer, kind=Event.Kind.NOTE, by=by, note=note.strip())
    volunteer.last_activity_at = now
    volunteer.save()
    return volunteer


@transaction.atomic
def milestone_record(*, volunteer: Volunteer, kind: str, done_on: dt.date, by) -> Milestone:
    if volunteer.erased_at:
        raise VolunteerError(_("This registration has been erased."))
    _check_date(done_on, MILESTONE_DATES)
    milestone, _created = Milestone.objects.update_or_create(
        volunteer=volunteer, kind=kind, defaults={"done_on": done_on, "recorded_by": by}
    )
    Event.objects.create(
        volunteer=volunteer, kind=Event.Kind.MILESTONE, by=by, note=milestone.get_kind_display()
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(last_activity_at=timezone.now())
    return milestone


def volunteer_access_log(*, volunteers: Iterable[Volunteer], by, kind: str) -> None:
    """Record that a user opened or exported personal data."""
    volunteer_access_log_ids(volunteer_ids=[v.pk for v in volunteers], by=by, kind=kind)


def volunteer_access_log_ids(*, volunteer_ids: list[int], by, kind: str) -> None:
    Event.objects.bulk_create(
        [Event(volunteer_id=pk, by=by, kind=kind) for pk in volunteer_ids], batch_size=1000
    )


def volunteer_access_log_query(*, volunteers: QuerySet, by, kind: str) -> int:
    """Log an export of every volunteer of `volunteers` in one INSERT … SELECT: a row per
    person as for one opened record, without reading thousands of rows into Python first."""
    ids = volunteers.order_by().annotate(exported_id=F("pk")).values_list("exported_id")
    sql, params = ids.query.sql_with_params()
    ops = connection.ops
    table = ops.quote_name(Event._meta.db_table)
    columns = ", ".join(
        ops.quote_name(c)
        for c in ("volunteer_id", "at", "by_id", "kind", "from_status", "to_status", "note")
    )
    at = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT v.exported_id, %s, %s, %s, '', '', '' FROM ({sql}) v",
            [at, by.pk if by else None, kind, *params],
        )
        return cursor.rowcount


@transaction.atomic
def volunteers_erase_inactive(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise volunteers inactive longer than VOLUNTEER_RETENTION_MONTHS. Someone on an
    active placement is kept. Returns anonymous counts by status."""
    now = now or timezone.now()
    months = settings.DUGNAD["VOLUNTEER_RETENTION_MONTHS"]
    cutoff = now - dt.timedelta(days=round(months * 30.44))
    stale = Volunteer.objects.present().filter(last_activity_at__lt=cutoff)
    for in_use in workers_in_use():  # e.g. on an active placement (staffing.erasure)
        stale = stale.exclude(worker_id__in=in_use)
    stale = stale.select_for_update()
    counts: dict[str, int] = {}
    for volunteer in stale:
        _erase(volunteer, kind=Event.Kind.ERASED)
        counts[volunteer.status] = counts.get(volunteer.status, 0) + 1
    logger.info("volunteer retention: %s erased", sum(counts.values()))
    return counts


REFERRAL_COLUMNS = ["first_name", "last_name", "email", "phone", "qualifications", "hpr_number"]


def referrals_csv(volunteers: Iterable[Volunteer]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("First name"), _("Last name"), _("E-mail"), _("Phone"), _("Qualifications"), "HPR"]
    )
    for v in volunteers:
        quals = ", ".join(q.name for q in v.qualifications.all())
        writer.writerow(
            csv_safe([v.first_name, v.last_name, v.email, v.phone, quals, v.hpr_number])
        )
    return out.getvalue()


@transaction.atomic
def referrals_send(*, by) -> int:
    """E-mail the emergency clinic the volunteers referred to it and not yet sent."""
    volunteers = list(
        Volunteer.objects.present()
        .select_for_update()
        .filter(status=Status.EMERGENCY_CLINIC, referral_sent_at__isnull=True)
        .order_by("registered_at")
    )
    if not volunteers:
        return 0
    volunteers = list(
        Volunteer.objects.filter(pk__in=[v.pk for v in volunteers])
        .prefetch_related("qualifications")
        .order_by("registered_at")
    )
    # Queued with the marks below, in one transaction: the outbox sends it after the commit and
    # keeps retrying while the clinic's mail server is down, so a list marked sent always leaves.
    message_enqueue(
        recipient=settings.DUGNAD["EMERGENCY_CLINIC_EMAIL"],
        kind="volunteers.referrals",
        subject=_("Volunteers referred to the emergency clinic"),
        body=render_to_string(
            "volunteers/email/referrals.txt", {"count": len(volunteers), "by": by}
        ),
        attachments=[Attachment("referrals.csv", referrals_csv(volunteers), "text/csv")],
        language=translation.get_language() or "",
    )
    now = timezone.now()
    Volunteer.objects.filter(pk__in=[v.pk for v in volunteers]).update(
        referral_sent_at=now, last_activity_at=now
    )
    Event.objects.bulk_create(
        [Event(volunteer=v, by=by, kind=Event.Kind.REFERRAL_SENT) for v in volunteers]
    )
    return len(volunteers)


def personal_url(token: str) -> str:
    return settings.SITE_URL + reverse("volunteers:me", kwargs={"token": token})


def _send_link_again(volunteer: Volunteer, token: str) -> None:
    # In the language they registered in: whoever typed the address may speak another.
    _send_confirmation(volunteer, token, created=False)


def _send_confirmation(volunteer: Volunteer, token: str, *, created: bool) -> None:
    context = {"volunteer": volunteer, "url": personal_url(token), "created": created}
    with translation.override(volunteer.language):
        message_enqueue(
            recipient=volunteer.email,
            kind="volunteers.confirmation",
            subject=_("Your registration as a volunteer"),
            body=render_to_string("volunteers/email/confirmation.txt", context),
            language=volunteer.language,
        )


# --- the introduction course ------------------------------------------------------------------


@transaction.atomic
def course_session_create(
    *, starts_at: dt.datetime, ends_at: dt.datetime, place: str, capacity: int, by
) -> CourseSession:
    if ends_at <= starts_at:
        raise VolunteerError(_("The session must end after it starts."))
    if starts_at <= timezone.now():
        raise VolunteerError(_("The session must start in the future."))
    if capacity < 1:
        raise VolunteerError(_("A session needs at least one place."))
    return CourseSession.objects.create(
        starts_at=starts_at, ends_at=ends_at, place=place.strip(), capacity=capacity, created_by=by
    )


@transaction.atomic
def course_signup(*, volunteer: Volunteer, session_id: int) -> CourseSignup:
    """The volunteer takes a place on a session (and gives up a place on another future one).
    The session's row lock keeps two last-place sign-ups from both getting in."""
    session = CourseSession.objects.select_for_update().filter(pk=session_id).first()
    now = timezone.now()
    if session is None or session.cancelled_at or session.starts_at <= now:
        raise VolunteerError(_("This session is no longer open for sign-up."))
    if volunteer.erased_at:
        raise VolunteerError(_("This registration has been erased."))
    existing = CourseSignup.objects.filter(session=session, volunteer=volunteer).first()
    if existing:
        return existing
    if session.signups.count() >= session.capacity:
        raise VolunteerError(_("This session is full. Choose another one."))
    CourseSignup.objects.filter(
        volunteer=volunteer, session__starts_at__gt=now, attended=False
    ).delete()
    signup = CourseSignup.objects.create(session=session, volunteer=volunteer)
    Event.objects.create(volunteer=volunteer, kind=Event.Kind.COURSE_SIGNUP)
    Volunteer.objects.filter(pk=volunteer.pk).update(last_activity_at=now)
    return signup


@transaction.atomic
def course_signup_cancel(*, volunteer: Volunteer, session_id: int) -> bool:
    deleted, _rows = CourseSignup.objects.filter(
        volunteer=volunteer,
        session_id=session_id,
        session__starts_at__gt=timezone.now(),
        attended=False,
    ).delete()
    if deleted:
        Event.objects.create(volunteer=volunteer, kind=Event.Kind.COURSE_CANCELLED)
    return bool(deleted)


@transaction.atomic
def course_attendance_record(*, session: CourseSession, volunteer_ids: Iterable[int], by) -> int:
    """Who came: their journey gets the introduction-course milestone on the session's date."""
    attended = list(
        session.signups.select_related("volunteer").filter(
            volunteer_id__in=list(volunteer_ids), volunteer__erased_at__isnull=True
        )
    )
    for signup in attended:
        signup.attended = True
        signup.save(update_fields=["attended"])
        milestone_record(
            volunteer=signup.volunteer,
            kind=Milestone.Kind.INTRODUCTION_COURSE,
            done_on=timezone.localtime(session.starts_at).date(),
            by=by,
        )
    return len(attended)
